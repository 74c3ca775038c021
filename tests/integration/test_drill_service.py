"""The drill use cases against a real database, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import event, func, select

from bot.core.selection import DUES_NEEDED, RECENT_WINDOW
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import AttemptRow, ReviewStateRow
from bot.db.repositories import Repositories, User
from bot.services import Services
from bot.services.context import ChatUser, ServiceContext
from bot.services.drill import ChatRef
from bot.services.results import (
    AlreadyAnswered,
    AnswerGraded,
    HintGiven,
    NoMoreHints,
    NoQuestion,
    NothingPending,
    QuizStarted,
    Skipped,
    StaleQuestion,
    UnknownTopic,
)
from tests.conftest import FakeClock, private_chat, telegram_user
from tests.integration.sample_bank import GOOD_ANSWER, sample_drafts

USER = telegram_user(42)
CHAT = private_chat(USER)


async def _quiz(services: Services, topic: str | None = None, user: ChatUser = USER) -> QuizStarted:
    result = await services.drill.start_quiz(private_chat(user), user, topic)
    assert isinstance(result, QuizStarted), result
    return result


async def _count(services: Services, model: type) -> int:
    async with services.context.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_quiz_then_good_answer_is_graded_and_closes_the_question(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    asked = await _quiz(services)

    result = await services.drill.submit_answer(CHAT, USER, GOOD_ANSWER)

    assert isinstance(result, AnswerGraded)
    assert result.question.id == asked.question.id
    assert result.grade.score == 100 and result.grade.passed
    assert result.streak == 1
    assert isinstance(await services.drill.submit_answer(CHAT, USER, GOOD_ANSWER), NothingPending)


async def test_bad_answer_lists_missed_and_negated_points(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    await _quiz(services)

    result = await services.drill.submit_answer(CHAT, USER, "alpha, but not beta")

    assert isinstance(result, AnswerGraded)
    assert result.grade.score == 0 and not result.grade.passed  # alpha (1) less the denied beta (2)
    assert [point.label for point in result.grade.matched] == ["alpha"]
    assert [point.label for point in result.grade.negated] == ["beta"]
    assert [point.label for point in result.grade.missed] == ["gamma"]


async def test_a_stated_mistake_costs_its_weight(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    await _quiz(services)

    result = await services.drill.submit_answer(CHAT, USER, "it is beta and gamma, and alpha is delta")

    assert isinstance(result, AnswerGraded)
    assert result.grade.raw_score == 75  # every point (4) less the mistake (1)
    assert [mistake.label for mistake in result.grade.mistaken] == ["alpha is delta"]


async def test_answer_without_a_question_is_refused(services: Services) -> None:
    assert isinstance(await services.drill.submit_answer(CHAT, USER, "anything"), NothingPending)


async def test_pending_question_survives_a_restart(
    services: Services, database_url: str, clock: FakeClock, policy
) -> None:
    await services.bank.import_drafts(sample_drafts())
    asked = await _quiz(services)

    engine = create_engine(database_url)
    try:
        restarted = Services.build(
            ServiceContext(create_session_factory(engine), policy, clock, random.Random(1))
        )
        result = await restarted.drill.submit_answer(CHAT, USER, GOOD_ANSWER)
    finally:
        await engine.dispose()

    assert isinstance(result, AnswerGraded) and result.question.id == asked.question.id


async def test_never_the_same_question_twice_in_a_row(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts(per_topic=1, topics=("A", "B")))
    first = await _quiz(services)
    second = await _quiz(services)
    await services.drill.submit_answer(CHAT, USER, GOOD_ANSWER)
    third = await _quiz(services)

    assert first.question.id != second.question.id
    assert third.question.id != second.question.id


async def test_nothing_recent_is_repeated_within_ten_answers(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts(per_topic=4))
    asked: list[int] = []
    for _ in range(12):
        asked.append((await _quiz(services)).question.id)
        await services.drill.submit_answer(CHAT, USER, GOOD_ANSWER)

    for index, question_id in enumerate(asked):
        assert question_id not in asked[max(0, index - 10) : index]


async def test_a_topic_quiz_finds_its_due_review_behind_many_due_in_other_topics(
    services: Services, clock: FakeClock
) -> None:
    await services.bank.import_drafts(sample_drafts(per_topic=12))
    for number in range(DUES_NEEDED + 1):
        await _quiz(services, "A" if number % 2 else "B")
        await services.drill.submit_answer(CHAT, USER, "no idea")
    clock.advance(minutes=1)
    failed_in_c = (await _quiz(services, "C")).question.id
    await services.drill.submit_answer(CHAT, USER, "no idea")
    for number in range(RECENT_WINDOW):
        await _quiz(services, "A" if number % 2 else "B")
        await services.drill.submit_answer(CHAT, USER, GOOD_ANSWER)
    clock.advance(days=1)

    asked = await _quiz(services, "C")

    assert (asked.question.id, asked.reason) == (failed_in_c, "asked")


async def test_due_review_comes_before_new_questions(services: Services, clock: FakeClock) -> None:
    await services.bank.import_drafts(sample_drafts(per_topic=8))
    failed = (await _quiz(services)).question.id
    await services.drill.submit_answer(CHAT, USER, "no idea")
    for _ in range(10):
        await _quiz(services)
        await services.drill.submit_answer(CHAT, USER, GOOD_ANSWER)
    clock.advance(days=1)

    assert (await _quiz(services)).question.id == failed


async def test_topic_restricts_the_choice_and_ignores_case(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts(topics=("Alpha", "Beta")))
    for _ in range(3):
        asked = await _quiz(services, topic=" beta ")
        assert asked.question.topic == "Beta"


async def test_unknown_topic_lists_the_available_ones(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts(topics=("A", "B")))

    result = await services.drill.start_quiz(CHAT, USER, "Z")

    assert result == UnknownTopic("Z", ("A", "B"))


async def test_empty_bank_has_no_question(services: Services) -> None:
    assert isinstance(await services.drill.start_quiz(CHAT, USER), NoQuestion)


async def test_hints_reveal_heaviest_point_first_and_cap_the_score(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    await _quiz(services)

    hint = await services.drill.hint(CHAT, USER)
    result = await services.drill.submit_answer(CHAT, USER, GOOD_ANSWER)

    assert isinstance(hint, HintGiven) and hint.point.label == "beta" and hint.score_cap == 80
    assert isinstance(result, AnswerGraded) and result.grade.score == 80 and result.hints_used == 1


async def test_hints_run_out(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    await _quiz(services)

    results = [await services.drill.hint(CHAT, USER) for _ in range(4)]

    assert [type(result) for result in results] == [HintGiven, HintGiven, HintGiven, NoMoreHints]


async def test_skip_is_a_failed_review_but_not_an_answer(services: Services, clock: FakeClock) -> None:
    await services.bank.import_drafts(sample_drafts())
    asked = await _quiz(services)

    result = await services.drill.skip(CHAT, USER)
    stats = await services.stats.stats(USER.platform, USER.external_id)

    assert isinstance(result, Skipped) and result.question.id == asked.question.id
    assert stats.answers == 0 and stats.streak == 0
    assert await _count(services, ReviewStateRow) == 1
    assert isinstance(await services.drill.skip(CHAT, USER), NothingPending)


async def test_buttons_of_an_old_question_change_nothing(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    old = await _quiz(services)
    await _quiz(services)

    assert isinstance(await services.drill.hint(CHAT, USER, old.question.id), StaleQuestion)
    assert isinstance(await services.drill.skip(CHAT, USER, old.question.id), StaleQuestion)
    assert await _count(services, AttemptRow) == 0


async def test_group_members_answer_by_reply_once_each(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    group = ChatRef("telegram", "-100")
    asker, other = telegram_user(1), telegram_user(2)
    asked = await services.drill.start_quiz(group, asker)
    assert isinstance(asked, QuizStarted)
    await services.drill.attach_message(asked.pending_id, "77")

    first = await services.drill.submit_reply(group, other, "77", GOOD_ANSWER)
    again = await services.drill.submit_reply(group, other, "77", GOOD_ANSWER)
    by_asker = await services.drill.submit_reply(group, asker, "77", "alpha")
    unrelated = await services.drill.submit_reply(group, other, "78", GOOD_ANSWER)

    assert isinstance(first, AnswerGraded) and first.grade.score == 100
    assert isinstance(again, AlreadyAnswered)
    assert isinstance(by_asker, AnswerGraded) and by_asker.grade.score == 25
    assert isinstance(unrelated, StaleQuestion)


async def test_streak_counts_local_days_from_the_day_start_hour(services: Services, clock: FakeClock) -> None:
    await services.bank.import_drafts(sample_drafts())
    streaks = []
    for hours in (0, 24, 24):
        clock.advance(hours=hours)
        await _quiz(services)
        result = await services.drill.submit_answer(CHAT, USER, GOOD_ANSWER)
        streaks.append(result.streak)
    clock.advance(hours=18)  # 03:00 UTC: with DAY_START_HOUR=4 it is still the third day
    await _quiz(services)
    same_day = await services.drill.submit_answer(CHAT, USER, GOOD_ANSWER)

    assert streaks == [1, 2, 3]
    assert same_day.streak == 3


async def test_concurrent_answers_from_many_users_lose_nothing(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    users = [telegram_user(500 + number) for number in range(30)]
    for user in users:
        await _quiz(services, user=user)

    results = await asyncio.gather(
        *(services.drill.submit_answer(private_chat(user), user, GOOD_ANSWER) for user in users)
    )

    assert all(isinstance(result, AnswerGraded) for result in results)
    assert await _count(services, AttemptRow) == len(users)


async def test_a_double_submit_is_graded_once(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    await _quiz(services)

    results = await asyncio.gather(*(services.drill.submit_answer(CHAT, USER, GOOD_ANSWER) for _ in range(5)))

    assert sum(isinstance(result, AnswerGraded) for result in results) == 1
    assert await _count(services, AttemptRow) == 1


async def _stored_user(services: Services, user: ChatUser) -> User | None:
    async with services.context.sessions() as session:
        return await Repositories.for_session(session).users.find(user.platform, user.external_id)


async def test_a_quiz_stores_a_new_user_and_refreshes_a_known_ones_name(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts(topics=("A",)))
    newcomer = ChatUser("telegram", "77", "Old Name", "en")

    first = await _quiz(services, user=newcomer)
    renamed = await _quiz(services, user=ChatUser("telegram", "77", "New Name", ""))
    unknown_topic = await services.drill.start_quiz(CHAT, USER, "Z")

    stored = await _stored_user(services, newcomer)
    assert stored is not None and (stored.display_name, stored.language) == ("New Name", "en")
    assert renamed.pending_id == first.pending_id  # the same user's open question, replaced
    assert isinstance(unknown_topic, UnknownTopic) and await _stored_user(services, USER) is not None


async def test_a_known_users_quiz_is_two_statements(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts())
    await _quiz(services)  # stores the user and loads the bank into the catalog
    statements: list[str] = []
    engine = services.context.sessions.kw["bind"].sync_engine

    def record(_connection, _cursor, statement: str, *_args) -> None:
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        await _quiz(services)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    # The user upsert rides along with the history read (or is not needed), then the pending upsert.
    assert len(statements) == 2
