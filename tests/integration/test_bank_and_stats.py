"""Bank management and progress statistics against a real database."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from bot.db.models import QuestionRow, UserRow
from bot.services import Services
from bot.services.results import (
    AnswerGraded,
    DuplicateQuestion,
    Malformed,
    NoQuestion,
    NotAllowed,
    QuestionAdded,
    QuestionDeactivated,
    QuestionNotFound,
    QuizStarted,
    UnknownUser,
)
from tests.conftest import ADMIN, FakeClock, private_chat, telegram_user
from tests.integration.sample_bank import GOOD_ANSWER, sample_drafts

ADDQ = "归一化 | LayerNorm 和 BatchNorm 的区别？ | 样本/per sample, 批次/batch, 序列 | LN 对每个样本归一化"


async def _rows(services: Services, model: type) -> int:
    async with services.context.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_import_is_idempotent_and_updates_by_key(services: Services) -> None:
    drafts = sample_drafts()
    first = await services.bank.import_drafts(drafts)
    changed = [replace(drafts[0], text="Reworded?"), *drafts[1:]]
    second = await services.bank.import_drafts(changed)

    questions = await services.bank.list_questions()

    assert (first.created, first.updated) == (12, 0)
    assert (second.created, second.updated) == (0, 12)
    assert len(questions) == 12
    assert questions[0].text == "Reworded?"


async def test_seed_only_fills_an_empty_bank(services: Services, tmp_path) -> None:
    from bot.services.bank_files import dump_bank

    bank = tmp_path / "bank.yaml"
    bank.write_text(dump_bank(sample_drafts()), encoding="utf-8")

    assert (await services.bank.seed_if_empty([bank])).created == 12
    assert await services.bank.seed_if_empty([bank]) is None


async def test_admin_adds_a_question_that_can_be_asked_at_once(services: Services) -> None:
    added = await services.bank.add_question(ADMIN, ADDQ)
    assert isinstance(added, QuestionAdded)

    asked = await services.drill.start_quiz(private_chat(ADMIN), ADMIN, "归一化")

    assert isinstance(asked, QuizStarted) and asked.question.id == added.question.id
    assert [point.label for point in added.question.rubric.points] == ["样本", "批次", "序列"]
    assert isinstance(await services.bank.add_question(ADMIN, ADDQ), DuplicateQuestion)


async def test_non_admin_cannot_add_and_nothing_is_written(services: Services) -> None:
    result = await services.bank.add_question(telegram_user(7), ADDQ)

    assert isinstance(result, NotAllowed)
    assert await _rows(services, QuestionRow) == 0
    assert await _rows(services, UserRow) == 0


async def test_malformed_addq_writes_nothing(services: Services) -> None:
    result = await services.bank.add_question(ADMIN, "归一化 | only a question")

    assert isinstance(result, Malformed)
    assert await _rows(services, QuestionRow) == 0


async def test_deactivated_question_is_not_asked(services: Services) -> None:
    await services.bank.import_drafts(sample_drafts(per_topic=1, topics=("A",)))
    question = (await services.bank.list_questions())[0]

    refused = await services.bank.deactivate_question(telegram_user(7), str(question.id))
    done = await services.bank.deactivate_question(ADMIN, f"#{question.id}")
    again = await services.bank.deactivate_question(ADMIN, str(question.id))

    assert isinstance(refused, NotAllowed)
    assert isinstance(done, QuestionDeactivated)
    assert isinstance(again, QuestionNotFound)
    assert isinstance(await services.drill.start_quiz(private_chat(ADMIN), ADMIN), NoQuestion)


async def test_stats_summarise_answers_topics_and_weak_topics(services: Services, clock: FakeClock) -> None:
    await services.bank.import_drafts(sample_drafts(per_topic=4, topics=("A", "B")))
    user = telegram_user(9)
    chat = private_chat(user)
    for topic, answer in [("A", GOOD_ANSWER)] * 3 + [("B", "alpha")] * 3:
        await services.drill.start_quiz(chat, user, topic)
        assert isinstance(await services.drill.submit_answer(chat, user, answer), AnswerGraded)

    stats = await services.stats.stats("telegram", "9")
    weak = await services.stats.weak_topics("telegram", "9")

    assert stats.answers == 6 and stats.streak == 1 and stats.best_streak == 1
    assert [(item.topic, item.answers, round(item.mean_score)) for item in stats.topics] == [
        ("A", 3, 100),
        ("B", 3, 25),
    ]
    assert stats.weak_topics == ("B", "A")
    assert [item.topic for item in weak] == ["B", "A"]
    assert stats.activity == {stats.today: 6}
    assert stats.to_json()["last_answer_date"] == stats.today.isoformat()


async def test_stats_of_an_unknown_user(services: Services) -> None:
    assert isinstance(await services.stats.stats("telegram", "404"), UnknownUser)
