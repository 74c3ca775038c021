"""The daily push pass against a real database, driven by a controllable clock and a recording sender."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.services import Services
from bot.services.drill import ChatRef
from bot.services.push import ChatUnreachable, PushTarget
from bot.services.results import AnswerGraded
from tests.conftest import ADMIN, FakeClock, private_chat, telegram_user
from tests.integration.sample_bank import GOOD_ANSWER, sample_drafts


class RecordingSender:
    """Stands in for the platform: records each send and can fail on chosen chats."""

    def __init__(self) -> None:
        self.sent: list[PushTarget] = []
        self.blocked: set[str] = set()
        self.hang_on: str | None = None
        self.fail_on: str | None = None
        self.pause: asyncio.Event | None = None
        self.changed = asyncio.Event()

    async def __call__(self, target: PushTarget) -> str:
        if self.pause is not None:
            await self.pause.wait()
        if target.chat_id == self.hang_on:
            await asyncio.Event().wait()
        if target.chat_id == self.fail_on:
            raise RuntimeError("unexpected failure")
        if target.chat_id in self.blocked:
            raise ChatUnreachable(target.chat_id)
        self.sent.append(target)
        self.changed.set()
        return str(1000 + len(self.sent))

    async def wait_for_sent(self, count: int) -> None:
        while len(self.sent) < count:
            self.changed.clear()
            await self.changed.wait()

    def per_chat(self) -> Counter[str]:
        return Counter(target.chat_id for target in self.sent)


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
async def bank(services: Services) -> Services:
    await services.bank.import_drafts(sample_drafts())
    return services


async def _subscribe(services: Services, number: int, argument: str) -> ChatRef:
    user = telegram_user(number)
    await services.daily.daily(private_chat(user), user, False, argument)
    return private_chat(user)


async def test_a_chat_gets_its_question_at_its_local_time_once(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    clock.current = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    await _subscribe(bank, 1, "08:30 Asia/Shanghai")

    before = await bank.push.run_pass("telegram", sender)
    clock.current = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    on_time = await bank.push.run_pass("telegram", sender)
    again = await bank.push.run_pass("telegram", sender)
    clock.advance(days=1)
    next_day = await bank.push.run_pass("telegram", sender)

    assert (before.sent, on_time.sent, again.sent, next_day.sent) == (0, 1, 0, 1)
    assert sender.per_chat() == {"1": 2}


async def test_the_pushed_question_is_answered_like_a_quiz(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    await _subscribe(bank, 1, "09:30 UTC")
    clock.current = clock.current.replace(hour=9, minute=30)
    await bank.push.run_pass("telegram", sender)
    user = telegram_user(1)

    result = await bank.drill.submit_answer(private_chat(user), user, GOOD_ANSWER)

    assert isinstance(result, AnswerGraded) and result.question.id == sender.sent[0].question.id


async def test_a_group_question_is_answered_by_reply(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    group = ChatRef("telegram", "-100")
    await bank.daily.daily(group, ADMIN, True, "10:00 UTC")
    clock.current = clock.current.replace(hour=10)
    await bank.push.run_pass("telegram", sender)

    answer = await bank.drill.submit_reply(group, telegram_user(5), "1001", GOOD_ANSWER)

    assert sender.sent[0].is_group
    assert isinstance(answer, AnswerGraded) and answer.grade.score == 100


async def test_several_time_zones_each_at_their_own_hour(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    clock.current = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
    for number, zone in enumerate(("Asia/Shanghai", "Europe/Berlin", "America/New_York"), start=1):
        await _subscribe(bank, number, f"08:00 {zone}")
    pushed_at: dict[str, int] = {}
    for hour in range(24):
        clock.current = datetime(2026, 3, 2, hour, 0, tzinfo=UTC)
        before = len(sender.sent)
        await bank.push.run_pass("telegram", sender)
        for target in sender.sent[before:]:
            pushed_at[target.chat_id] = hour

    assert pushed_at == {"1": 0, "2": 7, "3": 13}


async def test_berlin_across_both_dst_switches(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    clock.current = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    await _subscribe(bank, 1, "08:00 Europe/Berlin")
    hours: list[tuple[int, int]] = []
    for start in (datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 10, 24, tzinfo=UTC)):
        for step in range(3 * 24 * 4):
            clock.current = start + timedelta(minutes=15 * step)
            before = len(sender.sent)
            await bank.push.run_pass("telegram", sender)
            if len(sender.sent) > before:
                hours.append((clock.current.day, clock.current.hour))

    assert hours == [(28, 7), (29, 6), (30, 6), (24, 6), (25, 7), (26, 7)]


async def test_a_blocked_chat_is_unsubscribed(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    chat = await _subscribe(bank, 1, "09:30 UTC")
    await _subscribe(bank, 2, "09:30 UTC")
    sender.blocked.add("1")
    clock.current = clock.current.replace(hour=10)

    summary = await bank.push.run_pass("telegram", sender)
    setting = await bank.daily.daily(chat, telegram_user(1), False, "")

    assert (summary.sent, summary.blocked) == (1, 1)
    assert setting.active is False


async def test_overlapping_passes_never_send_twice(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    for number in range(1, 6):
        await _subscribe(bank, number, "09:30 UTC")
    clock.current = clock.current.replace(hour=10)
    sender.pause = asyncio.Event()

    passes = [asyncio.create_task(bank.push.run_pass("telegram", sender)) for _ in range(2)]
    await asyncio.sleep(0)
    sender.pause.set()
    summaries = await asyncio.gather(*passes)

    assert sender.per_chat() == {str(number): 1 for number in range(1, 6)}
    assert sum(summary.sent for summary in summaries) == 5


async def test_a_crash_mid_run_loses_nothing_and_duplicates_nothing(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    for number in range(1, 6):
        await _subscribe(bank, number, "09:30 UTC")
    clock.current = clock.current.replace(hour=10)
    sender.hang_on = "3"

    crashed = asyncio.create_task(bank.push.run_pass("telegram", sender))
    await sender.wait_for_sent(4)
    crashed.cancel()  # the process dies while chat 3's message is in flight
    with pytest.raises(asyncio.CancelledError):
        await crashed
    sender.hang_on = None
    await bank.push.run_pass("telegram", sender)
    clock.advance(minutes=11)
    await bank.push.run_pass("telegram", sender)
    clock.advance(minutes=11)
    settled = await bank.push.run_pass("telegram", sender)

    assert sender.per_chat() == {str(number): 1 for number in range(1, 6)}
    assert settled.total == 0


async def test_an_unexpected_error_in_one_chat_does_not_stop_the_pass(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    for number in range(1, 4):
        await _subscribe(bank, number, "09:30 UTC")
    clock.current = clock.current.replace(hour=10)
    sender.fail_on = "2"

    summary = await bank.push.run_pass("telegram", sender)

    assert (summary.sent, summary.failed) == (2, 1) and summary.errors == ["2: unexpected failure"]


async def test_catch_up_after_downtime_sends_only_today(
    bank: Services, clock: FakeClock, sender: RecordingSender
) -> None:
    await _subscribe(bank, 1, "08:00 UTC")
    await _subscribe(bank, 2, "23:00 UTC")
    clock.current = (clock.current + timedelta(days=3)).replace(hour=12)

    summary = await bank.push.run_pass("telegram", sender)

    assert sender.per_chat() == {"1": 1}
    assert (summary.sent, summary.skipped) == (1, 1)


async def test_the_terminal_chat_gets_its_daily_question_and_answers_it(
    bank: Services, clock: FakeClock
) -> None:
    import io

    from bot.adapters.console.chat import ConsoleChat

    console = ConsoleChat(bank)
    output = io.StringIO()
    setting = await console.reply("/daily 09:30 UTC")
    clock.current = clock.current.replace(hour=10)

    pushed = await console.push_due(output)
    feedback = await console.reply(GOOD_ANSWER)

    assert "每天 09:30（UTC）" in setting
    assert pushed == 1 and "Question" in output.getvalue()
    assert "100/100" in feedback
