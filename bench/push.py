"""Push benchmark: one daily-push pass to many private chats through the real Telegram sender.

Subscribes N private chats to the daily question at 09:30 UTC (with the services' clock before then),
moves the clock past 09:30 and runs one ``PushService.run_pass`` through ``telegram_sender`` on an
``ExtBot`` with the bot's own rate limiter, against ``FakeBotApi(rate_limit=True)`` (30 messages/s
overall, answering 429 with ``retry_after`` beyond that). Telegram's limit makes N/30 s the floor of a
pass; the target is at most 1.05x of it. Reports duplicates and lost chats (both must be 0), the 429s
and retried sends, the time before the first accepted send, the gaps in the sending, PushSummary's
counts, and a second pass right after, which must send nothing. Exits 1 when a correctness check fails.

The database is SQLite in a temporary directory, the SQLite URL given, or a fresh PostgreSQL database
made on the server given and dropped afterwards.

    .venv/bin/python -m bench.push
    .venv/bin/python -m bench.push --subscribers 300
    .venv/bin/python -m bench.push --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from telegram.ext import AIORateLimiter, ExtBot

from bench.databases import migrated_database
from bot.adapters.telegram.push import RATE_LIMIT_RETRIES, telegram_sender
from bot.adapters.telegram.push import rate_limiter as bot_rate_limiter
from bot.db.engine import create_engine, create_session_factory
from bot.services import Services
from bot.services.bank_files import BUNDLED_BANK_DIR, read_bank
from bot.services.context import ChatUser, DrillPolicy, ServiceContext
from bot.services.daily import DailySetting
from bot.services.drill import ChatRef
from bot.services.push import PUSH_CONCURRENCY, PushSummary, PushTarget
from tests.e2e.fake_bot_api import GLOBAL_RATE_LIMIT, FakeBotApi

TOKEN = "123456789:BENCH-push-token"
PLATFORM = "telegram"
FIRST_CHAT_ID = 100_000
DAILY_ARGUMENT = "09:30 UTC"
SUBSCRIBED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PUSHED_AT = datetime(2026, 3, 2, 9, 31, tzinfo=UTC)
TARGET_RATIO = 1.05
STALL_SECONDS = 0.5
MESSAGES_PER_SECOND = GLOBAL_RATE_LIMIT[0] / GLOBAL_RATE_LIMIT[1]

Send = Callable[[PushTarget], Awaitable[str]]


class BenchClock:
    """The services' clock: stands still until the benchmark moves it."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        """The current instant."""
        return self.current


class LogCounter(logging.Handler):
    """Counts log records per logger name: the sender's network retries and the rate limiter's waits."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        """Count one record."""
        self.counts[record.name] += 1


class SendWatch:
    """Timestamps every message the stand-in accepts, as soon as it has stored it."""

    def __init__(self, api: FakeBotApi) -> None:
        self._api = api
        self._seen = len(api.sent())
        self.accepted: list[float] = []

    async def run(self) -> None:
        """Run until cancelled."""
        while True:
            with suppress(TimeoutError):
                await self._api.wait_for(lambda: len(self._api.sent()) > self._seen, timeout=60)
                fresh = len(self._api.sent()) - self._seen
                self._seen += fresh
                self.accepted.extend([time.perf_counter()] * fresh)


@dataclass
class PassResult:
    """One timed pass: its summary (partial if it timed out) and what the stand-in saw meanwhile."""

    summary: PushSummary
    started: float
    seconds: float
    accepted: list[float]
    timed_out: bool = False
    error: str | None = None
    logs: Counter[str] = field(default_factory=Counter)

    @property
    def first_send(self) -> float | None:
        """Seconds from the start of run_pass to the first accepted send."""
        return self.accepted[0] - self.started if self.accepted else None

    def stalls(self) -> list[tuple[float, float]]:
        """(start offset, length) of each gap of at least STALL_SECONDS between accepted sends."""
        return [
            (before - self.started, after - before)
            for before, after in zip(self.accepted, self.accepted[1:], strict=False)
            if after - before >= STALL_SECONDS
        ]

    def busiest_second(self) -> int:
        """The most sends accepted within any one-second window."""
        best, low = 0, 0
        for high, moment in enumerate(self.accepted):
            while moment - self.accepted[low] >= 1.0:
                low += 1
            best = max(best, high - low + 1)
        return best


@asynccontextmanager
async def bench_database(given_url: str | None) -> AsyncIterator[str]:
    """A migrated database in a temporary folder, or on the PostgreSQL server given."""
    with tempfile.TemporaryDirectory(prefix="drillbench-push-") as workdir:
        async with migrated_database(given_url, Path(workdir)) as url:
            yield url


async def subscribe_all(services: Services, api: FakeBotApi, chat_ids: list[int]) -> None:
    """Add each user to the stand-in and switch on its private chat's daily question."""
    for chat_id in chat_ids:
        api.add_user(chat_id, f"User {chat_id}")
        user = ChatUser(PLATFORM, str(chat_id), f"User {chat_id}", "zh-hans")
        result = await services.daily.daily(ChatRef(PLATFORM, str(chat_id)), user, False, DAILY_ARGUMENT)
        if not isinstance(result, DailySetting):
            raise RuntimeError(f"subscribing chat {chat_id} failed: {result!r}")


async def timed_pass(services: Services, api: FakeBotApi, send: Send, timeout: float) -> PassResult:  # noqa: ASYNC109
    """Run one pass within timeout, timing it and every send the stand-in accepts meanwhile."""
    watch = SendWatch(api)
    watcher = asyncio.create_task(watch.run())
    await asyncio.sleep(0)
    latest: list[PushSummary] = [PushSummary()]
    counter = LogCounter()
    watched = [
        logging.getLogger(name) for name in ("telegram.ext.AIORateLimiter", "bot.adapters.telegram.push")
    ]
    levels = [logger.level for logger in watched]
    for logger in watched:
        logger.addHandler(counter)
        logger.setLevel(logging.INFO)
    started = time.perf_counter()
    result = PassResult(latest[0], started, 0.0, watch.accepted)
    try:
        run = services.push.run_pass(PLATFORM, send, progress=_progress_keeper(latest))
        result.summary = await asyncio.wait_for(run, timeout)
    except TimeoutError:
        result.timed_out, result.summary = True, latest[0]
    except Exception as error:  # reported; the figures so far still count
        result.error, result.summary = f"{type(error).__name__}: {error}", latest[0]
    finally:
        result.seconds = time.perf_counter() - started
        for logger, level in zip(watched, levels, strict=True):
            logger.removeHandler(counter)
            logger.setLevel(level)
        await asyncio.sleep(0.05)  # let the watcher see the last accepted send
        watcher.cancel()
        with suppress(asyncio.CancelledError):
            await watcher
    result.logs = counter.counts
    return result


def _progress_keeper(latest: list[PushSummary]) -> Callable[[PushSummary], None]:
    """A progress callback that keeps the pass's summary, so a timed-out pass still reports it."""

    def keep(summary: PushSummary) -> None:
        latest[0] = summary

    return keep


def describe_summary(summary: PushSummary) -> str:
    """PushSummary's counts on one line."""
    return (
        f"sent {summary.sent}, skipped {summary.skipped}, blocked {summary.blocked}, failed {summary.failed}"
    )


def delivery_counts(api: FakeBotApi, chat_ids: list[int]) -> tuple[int, int, int, int, int]:
    """(duplicates, lost, 429 answers, retried sends, most attempts for one chat) over every sendMessage."""
    delivered = Counter(message.chat_id for message in api.sent())
    subscribed = set(chat_ids)
    duplicates = sum(1 for chat_id, count in delivered.items() if chat_id in subscribed and count > 1)
    lost = sum(1 for chat_id in subscribed if delivered[chat_id] == 0)
    calls = api.calls("sendMessage")
    too_many = sum(1 for call in calls if call.error_code == 429)
    attempts = Counter(str(call.params.get("chat_id")) for call in calls)
    retried = sum(1 for count in attempts.values() if count > 1)
    return duplicates, lost, too_many, retried, max(attempts.values(), default=0)


def report(
    subscribers: int,
    first: PassResult,
    second: PassResult,
    api: FakeBotApi,
    chat_ids: list[int],
    limiter_rate: float,
) -> bool:
    """Print the figures and findings; True when every correctness check holds."""
    floor = subscribers / MESSAGES_PER_SECOND
    ratio = first.seconds / floor if floor else float("nan")
    if first.timed_out or first.error:
        verdict = "INCOMPLETE"
    else:
        verdict = "meets the target" if ratio <= TARGET_RATIO else "ABOVE the target"
    duplicates, lost, too_many, retried, most = delivery_counts(api, chat_ids)
    second_sent = len(second.accepted)
    first_send = f"{first.first_send:.2f} s" if first.first_send is not None else "never"
    print(
        f"push: {subscribers} subscribers, pass took {first.seconds:.1f} s (floor {floor:.1f} s,"
        f" {ratio:.2f}×, target ≤ {TARGET_RATIO:.2f}×): {verdict}"
    )
    print(
        f"first send after {first_send}; 429 answers: {too_many}; retried sends: {retried}"
        f" (most attempts for one chat {most} of {RATE_LIMIT_RETRIES + 1});"
        f" duplicates: {duplicates}; lost: {lost}; second pass sent: {second_sent}"
    )
    print(f"summary: {describe_summary(first.summary)}")
    print(f"second pass: {describe_summary(second.summary)} in {second.seconds:.2f} s")
    if first.accepted:
        span = first.accepted[-1] - first.accepted[0]
        ideal = (len(first.accepted) - 1) / MESSAGES_PER_SECOND
        tail = first.started + first.seconds - first.accepted[-1]
        stalls = first.stalls()
        print(
            f"sending: first to last accepted send {span:.1f} s (ideal {ideal:.1f} s),"
            f" after the last {tail:.2f} s; busiest second {first.busiest_second()} sends;"
            f" {len(stalls)} gaps ≥ {STALL_SECONDS} s totalling {sum(length for _, length in stalls):.1f} s"
            + (f" (first at {stalls[0][0]:.1f} s)" if stalls else "")
        )
    limiter = first.logs["telegram.ext.AIORateLimiter"]
    network = first.logs["bot.adapters.telegram.push"]
    pacing = f"even at {limiter_rate:g}/s" if limiter_rate else "the bot's limiter (even, 30/s)"
    print(
        f"rate limiter: {pacing}; its waits after a 429: {limiter}; sender network retries: {network};"
        f" PUSH_CONCURRENCY {PUSH_CONCURRENCY}"
    )
    for label, result in (("first pass", first), ("second pass", second)):
        if result.timed_out:
            print(f"{label}: TIMED OUT after {result.seconds:.0f} s; figures above are partial")
        if result.error:
            print(f"{label}: raised {result.error}")
        for error in result.summary.errors[:3]:
            print(f"{label} error: {error}")
    return (
        duplicates == 0
        and lost == 0
        and second_sent == 0
        and not (first.timed_out or second.timed_out or first.error or second.error)
    )


async def run(args: argparse.Namespace) -> bool:
    """Prepare the database and subscribers, run two passes and report."""
    chat_ids = list(range(FIRST_CHAT_ID, FIRST_CHAT_ID + args.subscribers))
    timeout = args.timeout or max(120.0, 4 * args.subscribers / MESSAGES_PER_SECOND)
    async with bench_database(args.database_url) as url:
        engine = create_engine(url)
        try:
            clock = BenchClock(SUBSCRIBED_AT)
            services = Services.build(ServiceContext(create_session_factory(engine), DrillPolicy(), clock))
            prepared = time.perf_counter()
            await asyncio.wait_for(services.bank.import_drafts(read_bank([BUNDLED_BANK_DIR])), timeout)
            async with FakeBotApi(TOKEN, bot_username="drill_push_bench_bot", rate_limit=True) as api:
                await asyncio.wait_for(subscribe_all(services, api, chat_ids), timeout)
                print(
                    f"setup: bank and {args.subscribers} subscriptions on {make_url(url).get_backend_name()}"
                    f" in {time.perf_counter() - prepared:.1f} s; pass timeout {timeout:.0f} s",
                    file=sys.stderr,
                )
                clock.current = PUSHED_AT
                bot = ExtBot(api.token, base_url=api.base_url, rate_limiter=rate_limiter(args.limiter_rate))
                async with bot:
                    send = telegram_sender(bot)
                    first = await timed_pass(services, api, send, timeout)
                    second = await timed_pass(services, api, send, min(timeout, 60.0))
                return report(args.subscribers, first, second, api, chat_ids, args.limiter_rate)
        finally:
            await engine.dispose()


def rate_limiter(messages_per_second: float) -> AIORateLimiter:
    """The limiter the bot builds, or one sending evenly at another rate, for comparison."""
    if not messages_per_second:
        return bot_rate_limiter()
    return AIORateLimiter(
        overall_max_rate=1, overall_time_period=1 / messages_per_second, max_retries=RATE_LIMIT_RETRIES
    )


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1000, help="private chats subscribed")
    parser.add_argument("--database-url", default=None, help="SQLite URL, or a PostgreSQL server's URL")
    parser.add_argument("--timeout", type=float, default=0.0, help="seconds for a pass (0: 4x the floor)")
    parser.add_argument(
        "--limiter-rate",
        type=float,
        default=0.0,
        help="experiment: pace sends evenly at this many per second (0: AIORateLimiter as the bot uses it)",
    )
    return parser.parse_args()


def main() -> None:
    """Run the benchmark; exit 1 if a chat got two pushes or none, or the second pass sent anything."""
    sys.exit(0 if asyncio.run(run(parse_args())) else 1)


if __name__ == "__main__":
    main()
