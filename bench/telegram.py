"""Telegram throughput benchmark: drillbot against a minimal echo bot on the same stand-in Bot API.

Simulated users talk to the real python-telegram-bot ``Application`` through ``FakeBotApi`` (the
stand-in Telegram server of the end-to-end tests) on 127.0.0.1. Each drillbot user sends ``/quiz``,
waits for the question, answers it in Chinese and waits for the feedback; each echo-bot user sends
the same two texts and waits for each echo. The echo bot is the floor that the library and the HTTP
round trips set, so drillbot's throughput is reported as a ratio of it (target: at least 0.8x).

Latency is what the user sees: from ``user_sends`` to the bot's reply reaching the stand-in. The echo bot
comes from the builder drillbot's ``build_application`` starts from (``application_builder``: the same
HTTP client settings, parse mode and rate limiter), polls the same way (``poll_interval=0``,
``timeout=1``) and processes as many updates at once, with the library's own update processor: drillbot's
per-chat ordering is part of drillbot's cost. Since drillbot paces its sends to Telegram's 30 messages/s,
both bots are measured twice: with that rate limiter (the bot as deployed, where the limit sets the pace)
and with the limits switched off on both (where drillbot's own work per update shows).

The HTTP client must match too, or the floor is not one. An echo bot answering 32 updates at once keeps
32 requests in flight, where drillbot, whose sends its transactions space out, uses one or two
connections. With python-telegram-bot's default client every connection a burst opens stays in the pool,
and httpcore re-checks each of them (and polls each idle one's socket) whenever a request starts or ends:
the echo bot spent about 8 ms of CPU a round instead of 5 and lost 40% of its throughput against
processing one update at a time, a cost drillbot did not pay, so the ratio flattered drillbot. Both now
keep at most ``KEEPALIVE_CONNECTIONS`` idle connections, as drillbot does in production. The echo bot
still gets its updates in batches while drillbot, waiting on SQLite, gets most of its own one
``getUpdates`` at a time; that round trip per update is drillbot's to pay, as it would be against Telegram.

The bots, the stand-in and the simulated users share one process and one event loop (SQLite runs in
aiosqlite's threads), so the process CPU time covers the stand-in's work as well as the bot's. CPU per
round is the steadier figure on a shared machine; wall time tells whether a bot was busy or waiting. The
drillbot database is SQLite in a temporary directory, or a fresh PostgreSQL database made on the server
given and dropped afterwards; each drillbot run gets a new one.

    .venv/bin/python -m bench.telegram
    .venv/bin/python -m bench.telegram --rate-limit off --users 500 --concurrency 100
    .venv/bin/python -m bench.telegram --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from sqlalchemy.engine import make_url
from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseRateLimiter,
    ContextTypes,
    MessageHandler,
    filters,
)

from bench.databases import migrated_database
from bot.adapters.telegram import app as telegram_app
from bot.db.engine import create_engine, create_session_factory
from bot.services import Services
from bot.services.bank_files import BUNDLED_BANK_DIR, read_bank
from bot.services.context import DrillPolicy, ServiceContext
from tests.e2e.fake_bot_api import FakeBotApi, SentMessage

TOKEN = "123456789:BENCH-fake-token"
TARGET_RATIO = 0.8
POLL_INTERVAL = 0.0
POLL_TIMEOUT = 1
FIRST_USER_ID = 10_000
WARMUP_USER_ID = 1_000
ANSWERS = (
    "BN 可以加速收敛，缓解梯度消失，还有正则化效果",
    "交叉熵衡量两个分布的差异，和极大似然等价，配合 softmax 时梯度是预测减标签",
    "Adam 结合了动量和 RMSProp，用一阶矩和二阶矩估计自适应调整每个参数的学习率，还有偏差修正",
    "过拟合可以用正则化、dropout、数据增强和早停来缓解，也可以增加数据量",
    "不太确定，大概是为了让训练更稳定吧",
)

Scenario = Callable[[FakeBotApi, "Replies", int, float], Awaitable["UserResult"]]
LimiterFactory = Callable[[], BaseRateLimiter]
RATE_LIMITS = {
    "bot": "with drillbot's rate limiter on both bots (as deployed)",
    "off": "with the rate limits off on both bots (the bots' own work)",
}


@dataclass
class UserResult:
    """One simulated user's step latencies (ms), whether the answer was graded, and any failure."""

    latencies: dict[str, float] = field(default_factory=dict)
    graded: bool = False
    error: str | None = None


@dataclass
class Phase:
    """The outcome of one measured run of every user."""

    users: int
    messages: int
    wall: float
    cpu: float
    results: list[UserResult]
    concurrent_updates: int = 1

    @property
    def rounds(self) -> int:
        """Users who finished both exchanges."""
        return sum(result.error is None for result in self.results)

    @property
    def graded(self) -> int:
        """Users whose answer came back graded."""
        return sum(result.graded for result in self.results)

    def samples(self, step: str) -> list[float]:
        """Every latency recorded for a step."""
        return [result.latencies[step] for result in self.results if step in result.latencies]

    def errors(self) -> list[str]:
        """Failure messages, one per failed user."""
        return [result.error for result in self.results if result.error is not None]


class Replies:
    """Hands each message the bot sends to the user waiting for it, timed as soon as the stand-in stores it.

    A listener on the stand-in instead of one ``wait_for_sent`` per user: the stand-in wakes every waiter
    on every API call and each re-scans the whole sent list, which with 200 waiters swamps the event loop
    the bots share (a run of this benchmark then did not finish in 15 minutes).
    """

    def __init__(self) -> None:
        self._waiting: dict[int, deque[asyncio.Future[tuple[float, SentMessage]]]] = defaultdict(deque)
        self._unclaimed: dict[int, deque[tuple[float, SentMessage]]] = defaultdict(deque)

    def expect(self, chat_id: int) -> asyncio.Future[tuple[float, SentMessage]]:
        """A future for the next message to chat_id, resolved with (arrival time, message)."""
        future: asyncio.Future[tuple[float, SentMessage]] = asyncio.get_running_loop().create_future()
        if self._unclaimed[chat_id]:
            future.set_result(self._unclaimed[chat_id].popleft())
        else:
            self._waiting[chat_id].append(future)
        return future

    def arrived(self, message: SentMessage) -> None:
        """Give a message the stand-in just stored to its waiter, or keep it for the next expect()."""
        arrival = (time.perf_counter(), message)
        waiting = self._waiting[message.chat_id]
        while waiting and waiting[0].done():
            waiting.popleft()
        if waiting:
            waiting.popleft().set_result(arrival)
        else:
            self._unclaimed[message.chat_id].append(arrival)


async def exchange(
    api: FakeBotApi,
    replies: Replies,
    user_id: int,
    text: str,
    reply_timeout: float,
) -> tuple[float, SentMessage]:
    """Send text as the user and wait for the bot's next message: (latency in ms, the message)."""
    future = replies.expect(user_id)
    started = time.perf_counter()
    await api.user_sends(user_id, text)
    arrived, message = await asyncio.wait_for(future, reply_timeout)
    return (arrived - started) * 1000, message


async def drill_user(api: FakeBotApi, replies: Replies, user_id: int, reply_timeout: float) -> UserResult:
    """/quiz, then answer the question; graded when the feedback offers the Next button."""
    result = UserResult()
    result.latencies["quiz"], question = await exchange(api, replies, user_id, "/quiz", reply_timeout)
    if not any(data.startswith("h:") for data in question.callback_data):
        result.error = f"no question: {question.text!r:.80}"
        return result
    answer = ANSWERS[user_id % len(ANSWERS)]
    result.latencies["answer"], feedback = await exchange(api, replies, user_id, answer, reply_timeout)
    result.graded = feedback.callback_data == ["n"]
    if not result.graded:
        result.error = f"not graded: {feedback.text!r:.80}"
    return result


async def echo_user(api: FakeBotApi, replies: Replies, user_id: int, reply_timeout: float) -> UserResult:
    """Send the same two texts a drillbot user sends and wait for each echo."""
    result = UserResult()
    for step, text in (("first", "/quiz"), ("second", ANSWERS[user_id % len(ANSWERS)])):
        result.latencies[step], echoed = await exchange(api, replies, user_id, text, reply_timeout)
        if echoed.text != text:
            result.error = f"wrong echo: {echoed.text!r:.80}"
            return result
    return result


async def run_user(
    scenario: Scenario,
    api: FakeBotApi,
    replies: Replies,
    user_id: int,
    gate: asyncio.Semaphore,
    reply_timeout: float,
) -> UserResult:
    """Run one user's scenario when the concurrency gate lets it, turning a timeout into a failure."""
    async with gate:
        try:
            return await scenario(api, replies, user_id, reply_timeout)
        except TimeoutError:
            return UserResult(error=f"user {user_id}: no reply within {reply_timeout:g} s")


async def run_phase(
    scenario: Scenario, api: FakeBotApi, user_ids: Sequence[int], concurrency: int, reply_timeout: float
) -> Phase:
    """Run every user at once (at most `concurrency` at a time) and time the whole."""
    replies = Replies()
    gate = asyncio.Semaphore(concurrency)
    with api.listening(replies.arrived):
        started, cpu_started = time.perf_counter(), time.process_time()
        results = await asyncio.gather(
            *(run_user(scenario, api, replies, uid, gate, reply_timeout) for uid in user_ids)
        )
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return Phase(len(user_ids), 2 * len(user_ids), wall, cpu, list(results))


def add_users(api: FakeBotApi, user_ids: Sequence[int]) -> None:
    """Create Chinese-speaking users with their private chats."""
    for user_id in user_ids:
        api.add_user(user_id, f"用户{user_id}", language_code="zh-hans")


async def measure(scenario: Scenario, api: FakeBotApi, args: argparse.Namespace) -> Phase:
    """Warm the bot up with a few users of their own, then run the measured users."""
    warmup = range(WARMUP_USER_ID, WARMUP_USER_ID + args.warmup)
    measured = range(FIRST_USER_ID, FIRST_USER_ID + args.users)
    add_users(api, [*warmup, *measured])
    if args.warmup:
        await run_phase(scenario, api, warmup, args.warmup, args.timeout)
    return await run_phase(scenario, api, measured, args.concurrency or args.users, args.timeout)


async def measure_bot(
    application: Application, scenario: Scenario, api: FakeBotApi, args: argparse.Namespace
) -> Phase:
    """Long-poll the stand-in as the end-to-end tests do, measure, then stop the application."""
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=POLL_INTERVAL, timeout=POLL_TIMEOUT)
        try:
            phase = await measure(scenario, api, args)
        finally:
            await application.updater.stop()
            await application.stop()
    phase.concurrent_updates = application.concurrent_updates
    return phase


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the text received."""
    await update.effective_message.reply_text(update.effective_message.text)


def unlimited() -> AIORateLimiter:
    """python-telegram-bot's rate limiter with both limits off (a rate of 0 disables a limit)."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0)


def limiter_factory(rate_limit: str) -> LimiterFactory:
    """The rate limiter both bots get: drillbot's own, or one that limits nothing."""
    return telegram_app.rate_limiter if rate_limit == "bot" else unlimited


def build_drill_application(
    token: str, base_url: str, services: Services, limiter: LimiterFactory
) -> Application:
    """drillbot's Application as build_application makes it, with `limiter` as its rate limiter."""
    with mock.patch.object(telegram_app, "rate_limiter", limiter):
        return telegram_app.build_application(token, base_url, services, frozenset())


def build_echo_application(
    token: str, base_url: str, concurrent_updates: int, limiter: LimiterFactory
) -> Application:
    """An Application from drillbot's builder, with `limiter`, and one handler that echoes every text."""
    with mock.patch.object(telegram_app, "rate_limiter", limiter):
        builder = telegram_app.application_builder(token, base_url)
    application = builder.concurrent_updates(concurrent_updates).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


async def bench_echo(args: argparse.Namespace, like: Phase, limiter: LimiterFactory) -> Phase:
    """Measure the echo bot, configured like drillbot's run, on a fresh stand-in."""
    async with FakeBotApi(TOKEN, bot_username="echo_bench_bot") as api:
        application = build_echo_application(api.token, api.base_url, like.concurrent_updates, limiter)
        return await measure_bot(application, echo_user, api, args)


async def bench_drill(args: argparse.Namespace, url: str, limiter: LimiterFactory) -> Phase:
    """Measure drillbot over the bundled bank on a fresh stand-in."""
    engine = create_engine(url)
    try:
        services = Services.build(ServiceContext(create_session_factory(engine), DrillPolicy()))
        await services.bank.import_drafts(read_bank([BUNDLED_BANK_DIR]))
        async with FakeBotApi(TOKEN, bot_username="drill_bench_bot") as api:
            application = build_drill_application(api.token, api.base_url, services, limiter)
            return await measure_bot(application, drill_user, api, args)
    finally:
        await engine.dispose()


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile, or NaN without samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def describe(samples: Sequence[float]) -> str:
    """p50 and p95 in milliseconds."""
    return f"p50 {percentile(samples, 0.5):.0f} ms p95 {percentile(samples, 0.95):.0f} ms"


def headline(label: str, phase: Phase) -> str:
    """Users, messages, wall time and completed rounds per second."""
    return (
        f"{label:<9} {phase.users} users, {phase.messages} messages in {phase.wall:.2f} s:"
        f" {phase.rounds / phase.wall:.1f} rounds/s"
    )


def updates_mode(concurrent_updates: int) -> str:
    """How python-telegram-bot was told to process updates."""
    return "one at a time" if concurrent_updates == 1 else f"up to {concurrent_updates} at once"


def cpu_use(phase: Phase) -> str:
    """CPU time in all, per completed round, and as a share of wall time."""
    per_round = phase.cpu / phase.rounds * 1000 if phase.rounds else float("nan")
    return f"{phase.cpu:.2f} s ({per_round:.1f} ms a round, {phase.cpu / phase.wall:.0%} of wall)"


def report(drill: Phase, floor: Phase) -> None:
    """Print both bots' figures, the ratio and whether it meets the target."""
    print(
        f"{headline('drillbot:', drill)}, {drill.graded / drill.wall:.1f} graded answers/s;"
        f" /quiz {describe(drill.samples('quiz'))}; answer {describe(drill.samples('answer'))}"
    )
    print(f"{headline('echo:', floor)}; {describe(floor.samples('first') + floor.samples('second'))}")
    print(f"process CPU: drillbot {cpu_use(drill)}, echo {cpu_use(floor)}")
    for label, phase in (("drillbot", drill), ("echo", floor)):
        errors = phase.errors()
        if errors:
            print(f"{label}: {len(errors)} of {phase.users} users failed, e.g. {errors[0]}")
    ratio = (drill.rounds / drill.wall) / (floor.rounds / floor.wall) if floor.rounds else 0.0
    verdict = "meets the target" if ratio >= TARGET_RATIO else "BELOW the target"
    print(f"ratio: {ratio:.2f}× of the echo bot (target ≥ {TARGET_RATIO:.2f}×): {verdict}")


async def compare(args: argparse.Namespace, workdir: Path, rate_limit: str) -> None:
    """Measure drillbot on a fresh database, then the echo bot configured like it; print both."""
    limiter = limiter_factory(rate_limit)
    async with migrated_database(args.database_url, workdir) as url:
        drill = await asyncio.wait_for(bench_drill(args, url, limiter), args.run_timeout)
    floor = await asyncio.wait_for(bench_echo(args, drill, limiter), args.run_timeout)
    print(
        f"\n{RATE_LIMITS[rate_limit]}; updates processed {updates_mode(drill.concurrent_updates)} by both;"
        f" drillbot on {make_url(args.database_url or 'sqlite://').get_backend_name()}"
    )
    report(drill, floor)


async def run(args: argparse.Namespace) -> None:
    """Compare the bots in each rate-limit setting asked for."""
    print(
        f"{args.users} users, {args.concurrency or args.users} at once, {args.warmup} warm-up users;"
        f" polling interval {POLL_INTERVAL:g} s, timeout {POLL_TIMEOUT} s"
    )
    with tempfile.TemporaryDirectory(prefix="drillbench-telegram-") as workdir:
        for rate_limit in RATE_LIMITS if args.rate_limit == "both" else [args.rate_limit]:
            await compare(args, Path(workdir), rate_limit)


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.telegram",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--users", type=int, default=200, help="simulated users per bot")
    parser.add_argument("--concurrency", type=int, default=0, help="users active at once (0: all)")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up users before measuring")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server's URL (a fresh database per run), or a SQLite URL (used as given)",
    )
    parser.add_argument(
        "--rate-limit",
        choices=["both", *RATE_LIMITS],
        default="both",
        help="bot: drillbot's rate limiter on both bots; off: no limits on either; both: each in turn",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one reply")
    parser.add_argument("--run-timeout", type=float, default=600.0, help="seconds for each bot's run")
    return parser.parse_args()


def main() -> None:
    """Run the benchmark."""
    asyncio.run(run(parse_args()))


if __name__ == "__main__":
    main()
