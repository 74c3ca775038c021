"""The Telegram bot end to end: the real Application long-polls a stand-in Bot API over HTTP."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from bot.adapters.telegram.app import build_application, register_commands
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import QuestionRow
from bot.services import Services
from bot.services.context import ChatUser, DrillPolicy, ServiceContext
from bot.services.drill import ChatRef
from tests.conftest import FakeClock
from tests.e2e.fake_bot_api import FakeBotApi
from tests.integration.sample_bank import GOOD_ANSWER, sample_drafts

ADMIN_ID = 1001
USER_ID = 42
OTHER_ID = 43
GROUP_ID = -1001234567890


@asynccontextmanager
async def running_bot(api: FakeBotApi, services: Services) -> AsyncIterator[None]:
    """Start the real Application against the stand-in and stop it afterwards."""
    application = build_application(api.token, api.base_url, services, frozenset({ADMIN_ID}))
    async with application:
        await register_commands(application, frozenset({ADMIN_ID}))
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """The stand-in Bot API with a private user, an English user, an admin and a group."""
    async with FakeBotApi(bot_username="drill_bot") as fake:
        fake.add_user(USER_ID, "Lin", language_code="zh-hans")
        fake.add_user(OTHER_ID, "Sam", language_code="en")
        fake.add_user(ADMIN_ID, "Admin", language_code="zh-hans")
        fake.add_group(GROUP_ID, "Drill group", members=[USER_ID, OTHER_ID])
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi, services: Services) -> AsyncIterator[FakeBotApi]:
    """A running bot over a small bank."""
    await services.bank.import_drafts(sample_drafts())
    async with running_bot(api, services):
        yield api


async def _eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Wait for a state the bot reaches without sending anything, such as a flag in the database."""
    async with asyncio.timeout(timeout):
        # The database has no change notification to wait on, so it is polled.
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def _negated(check: Callable[[], Awaitable[bool]]) -> Callable[[], Awaitable[bool]]:
    async def negated() -> bool:
        return not await check()

    return negated


async def _say(
    api: FakeBotApi, user_id: int, text: str, chat_id: int | None = None, reply_to: int | None = None
):
    chat = chat_id or user_id
    before = len(api.sent(chat))
    await api.user_sends(user_id, text, chat_id=chat_id, reply_to=reply_to)
    sent = await api.wait_for_sent(before + 1, chat_id=chat)
    return sent[-1]


async def _count_questions(services: Services) -> int:
    async with services.context.sessions() as session:
        return (await session.execute(select(func.count()).select_from(QuestionRow))).scalar_one()


async def test_private_quiz_with_a_good_and_a_bad_answer(bot: FakeBotApi) -> None:
    question = await _say(bot, USER_ID, "/quiz")
    assert question.parse_mode == "HTML" and "Question" in question.text
    assert [data[:2] for data in question.callback_data] == ["h:", "s:"]

    good = await _say(bot, USER_ID, GOOD_ANSWER)
    assert "100/100" in good.text and "通过" in good.text and "参考答案" in good.text
    assert good.callback_data == ["n"]

    await bot.user_presses(USER_ID, USER_ID, good.message_id, "n")
    await bot.wait_for_sent(3, chat_id=USER_ID)
    bad = await _say(bot, USER_ID, "alpha is delta, but not beta")
    assert "0/100" in bad.text and "未通过" in bad.text
    assert "否定" in bad.text and "alpha is expected" not in bad.text
    assert "常见的错误" in bad.text and "alpha and delta differ" in bad.text


async def test_english_users_get_english_replies(bot: FakeBotApi) -> None:
    await _say(bot, OTHER_ID, "/quiz")

    feedback = await _say(bot, OTHER_ID, "gamma")

    assert "Score 25/100" in feedback.text and "Reference answer" in feedback.text


async def test_pending_question_survives_a_restart(
    api: FakeBotApi, services: Services, database_url: str, clock: FakeClock, policy: DrillPolicy
) -> None:
    await services.bank.import_drafts(sample_drafts())
    async with running_bot(api, services):
        await _say(api, USER_ID, "/quiz")

    engine = create_engine(database_url)
    try:
        restarted = Services.build(
            ServiceContext(create_session_factory(engine), policy, clock, random.Random(2))
        )
        async with running_bot(api, restarted):
            feedback = await _say(api, USER_ID, GOOD_ANSWER)
    finally:
        await engine.dispose()

    assert "100/100" in feedback.text


async def test_group_quiz_answered_by_reply(bot: FakeBotApi) -> None:
    question = await _say(bot, USER_ID, "/quiz@drill_bot", chat_id=GROUP_ID)
    assert question.reply_markup["force_reply"] is True and question.reply_markup["selective"] is True

    assert await bot.user_sends(OTHER_ID, "just chatting", chat_id=GROUP_ID) is None
    feedback = await _say(bot, OTHER_ID, GOOD_ANSWER, chat_id=GROUP_ID, reply_to=question.message_id)
    repeat = await _say(bot, OTHER_ID, GOOD_ANSWER, chat_id=GROUP_ID, reply_to=question.message_id)
    asker = await _say(bot, USER_ID, "gamma", chat_id=GROUP_ID, reply_to=question.message_id)

    assert "Score 100/100" in feedback.text and feedback.reply_to_message_id is not None
    assert "already answered" in repeat.text
    assert "25/100" in asker.text


async def test_addq_from_an_admin_adds_a_question_that_can_be_asked(
    bot: FakeBotApi, services: Services
) -> None:
    added = await _say(
        bot, ADMIN_ID, "/addq 归一化 | LN 与 BN 的区别？ | 样本/per sample, 批次/batch | LN 按样本归一化"
    )
    assert "已添加题目 #13" in added.text

    question = await _say(bot, ADMIN_ID, "/quiz 归一化")

    assert "LN 与 BN 的区别" in question.text and "#13" in question.text
    assert await _count_questions(services) == 13


async def test_addq_multiline_form(bot: FakeBotApi) -> None:
    text = "/addq\ntopic: 工程\nq: 什么是梯度累积？\nkeys: 显存/memory, 等效批量\nanswer: 多步累积梯度再更新"

    added = await _say(bot, ADMIN_ID, text)

    assert "已添加题目" in added.text


async def test_addq_from_a_non_admin_is_refused_and_writes_nothing(
    bot: FakeBotApi, services: Services
) -> None:
    refused = await _say(bot, USER_ID, "/addq 归一化 | 问题？ | 要点")

    assert "只有管理员" in refused.text
    assert await _count_questions(services) == 12


async def test_malformed_addq_gets_the_usage_line(bot: FakeBotApi, services: Services) -> None:
    reply = await _say(bot, ADMIN_ID, "/addq 只有一个部分")

    assert "格式不对" in reply.text and "用法：/addq 主题 | 问题" in reply.text
    assert await _count_questions(services) == 12


async def test_html_special_characters_cannot_break_a_reply(bot: FakeBotApi) -> None:
    added = await _say(bot, ADMIN_ID, "/addq <b>HTML & co | Is 1 < 2 && 3 > 2? | alpha, <i> | a <tag> & more")
    assert "<b>HTML & co" in added.text

    question = await _say(bot, ADMIN_ID, "/quiz <b>HTML & co")
    feedback = await _say(bot, ADMIN_ID, "it is <b>alpha</b> & <i> </script> &amp; <<>>")

    assert "Is 1 < 2 && 3 > 2?" in question.text
    assert "100/100" in feedback.text and "a <tag> & more" in feedback.text


async def test_a_4000_character_answer_is_graded(bot: FakeBotApi) -> None:
    await _say(bot, USER_ID, "/quiz")
    answer = ("alpha beta gamma 以及更多的解释。" * 200)[:4000]

    feedback = await _say(bot, USER_ID, answer)

    assert "100/100" in feedback.text


async def test_long_feedback_is_split_at_line_boundaries(api: FakeBotApi, services: Services) -> None:
    long_answer = "\n".join(f"第 {line} 行：alpha beta gamma 的详细解释。" * 4 for line in range(60))
    drafts = [replace(draft, answer=long_answer) for draft in sample_drafts(per_topic=1, topics=("A",))]
    await services.bank.import_drafts(drafts)
    async with running_bot(api, services):
        await _say(api, USER_ID, "/quiz")
        await api.user_sends(USER_ID, GOOD_ANSWER)
        await api.wait_for(lambda: any(message.callback_data == ["n"] for message in api.sent(USER_ID)))

    parts = api.sent(USER_ID)[1:]
    assert len(parts) >= 2
    assert all(len(part.text) <= 4096 for part in parts)
    assert parts[-1].callback_data == ["n"]


async def test_stats_sends_text_and_a_png_chart(bot: FakeBotApi) -> None:
    await _say(bot, USER_ID, "/quiz")
    await _say(bot, USER_ID, GOOD_ANSWER)

    await bot.user_sends(USER_ID, "/stats")
    sent = await bot.wait_for_sent(4, chat_id=USER_ID)

    assert "已答：1 题" in sent[2].text
    assert sent[3].method == "sendPhoto" and sent[3].photo.startswith(b"\x89PNG\r\n\x1a\n")


async def test_a_button_of_an_old_question_gets_a_notice(bot: FakeBotApi) -> None:
    old = await _say(bot, USER_ID, "/quiz")
    await _say(bot, USER_ID, "/quiz")

    await bot.user_presses(USER_ID, USER_ID, old.message_id, old.callback_data[0])
    await bot.wait_for(lambda: bool(bot.answered_callbacks))

    assert bot.answered_callbacks[-1].get("text") == "这道题已经结束了。"
    assert len(bot.sent(USER_ID)) == 2


async def test_hint_and_skip_buttons(bot: FakeBotApi) -> None:
    question = await _say(bot, USER_ID, "/quiz")

    await bot.user_presses(USER_ID, USER_ID, question.message_id, question.callback_data[0])
    hint = (await bot.wait_for_sent(2, chat_id=USER_ID))[-1]
    await bot.user_presses(USER_ID, USER_ID, question.message_id, question.callback_data[1])
    skipped = (await bot.wait_for_sent(3, chat_id=USER_ID))[-1]

    assert "提示 1：beta" in hint.text and "最高 80 分" in hint.text
    assert "已跳过" in skipped.text and "参考答案" in skipped.text


async def test_weak_topics_offer_a_quiz_button(bot: FakeBotApi) -> None:
    for _ in range(3):
        await _say(bot, USER_ID, "/quiz A")
        await _say(bot, USER_ID, "gamma")

    weak = await _say(bot, USER_ID, "/weak")
    await bot.user_presses(USER_ID, USER_ID, weak.message_id, weak.callback_data[0])
    question = (await bot.wait_for_sent(len(bot.sent(USER_ID)) + 1, chat_id=USER_ID))[-1]

    assert "A：25%" in weak.text
    assert "【A】" in question.text


async def test_command_menus_in_two_languages_and_for_admins(bot: FakeBotApi) -> None:
    default = {command["command"] for command in bot.commands()}
    chinese = {command["command"]: command["description"] for command in bot.commands(language_code="zh")}
    admin = {command["command"] for command in bot.commands(scope={"type": "chat", "chat_id": ADMIN_ID})}

    assert "quiz" in default and "addq" not in default
    assert chinese["quiz"] == "出一道题，可加主题"
    assert {"addq", "delq"} <= admin


async def test_a_user_who_blocked_the_bot_is_marked_and_not_retried(
    bot: FakeBotApi, services: Services
) -> None:
    bot.block(USER_ID)

    await bot.user_sends(USER_ID, "/quiz")
    await _eventually(lambda: services.accounts.is_blocked("telegram", str(USER_ID)))
    await bot.wait_until_idle()

    assert sum(call.error_code == 403 for call in bot.calls("sendMessage")) == 1


async def test_my_chat_member_updates_keep_the_blocked_flag(bot: FakeBotApi, services: Services) -> None:
    await _say(bot, USER_ID, "/quiz")

    await bot.chat_member_update(USER_ID, USER_ID, "member", "kicked")
    await _eventually(lambda: services.accounts.is_blocked("telegram", str(USER_ID)))
    await bot.chat_member_update(USER_ID, USER_ID, "kicked", "member")
    await _eventually(_negated(lambda: services.accounts.is_blocked("telegram", str(USER_ID))))


async def test_an_unexpected_error_is_logged_and_gets_an_apology(
    bot: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    await _say(bot, USER_ID, "/quiz")
    await _say(bot, USER_ID, GOOD_ANSWER)
    bot.inject_error("sendPhoto", 400, "Bad Request: wrong file identifier/HTTP URL specified")

    await bot.user_sends(USER_ID, "/stats")
    sent = await bot.wait_for_sent(4, chat_id=USER_ID)

    assert sent[-1].text == "抱歉，出了点问题，请稍后再试。"
    assert "update failed" in caplog.text


async def test_timezone_in_private_and_by_group_administrators_only(bot: FakeBotApi) -> None:
    private = await _say(bot, USER_ID, "/timezone Europe/Berlin")
    refused = await _say(bot, OTHER_ID, "/timezone Asia/Tokyo", chat_id=GROUP_ID)
    bot.set_member_status(GROUP_ID, OTHER_ID, "administrator")
    accepted = await _say(bot, OTHER_ID, "/timezone Asia/Tokyo", chat_id=GROUP_ID)
    invalid = await _say(bot, USER_ID, "/timezone Mars/Base")

    assert "时区已设为 Europe/Berlin" in private.text
    assert "only chat administrators" in refused.text
    assert "Time zone set to Asia/Tokyo" in accepted.text
    assert "Asia/Shanghai" in invalid.text


async def _push_now(api: FakeBotApi, services: Services):
    """Run one push pass through the Telegram sender, with its own rate-limited bot."""
    from telegram.ext import ExtBot

    from bot.adapters.telegram.push import rate_limiter, telegram_sender

    bot = ExtBot(api.token, base_url=api.base_url, rate_limiter=rate_limiter())
    async with bot:
        return await services.push.run_pass("telegram", telegram_sender(bot))


async def test_daily_push_arrives_and_is_answered_like_a_quiz(
    bot: FakeBotApi, services: Services, clock: FakeClock
) -> None:
    setting = await _say(bot, USER_ID, "/daily 09:30 UTC")
    assert "每天 09:30（UTC）" in setting.text
    clock.advance(minutes=31)

    summary = await _push_now(bot, services)
    question = bot.sent(USER_ID)[-1]
    feedback = await _say(bot, USER_ID, GOOD_ANSWER)

    assert summary.sent == 1 and question.callback_data[0].startswith("h:")
    assert "100/100" in feedback.text


async def test_daily_push_to_a_group_is_answered_by_reply(
    bot: FakeBotApi, services: Services, clock: FakeClock
) -> None:
    refused = await _say(bot, USER_ID, "/daily 09:30 UTC", chat_id=GROUP_ID)
    bot.set_member_status(GROUP_ID, USER_ID, "administrator")
    await _say(bot, USER_ID, "/daily 09:30 UTC", chat_id=GROUP_ID)
    clock.advance(minutes=31)

    await _push_now(bot, services)
    question = bot.sent(GROUP_ID)[-1]
    feedback = await _say(bot, OTHER_ID, GOOD_ANSWER, chat_id=GROUP_ID, reply_to=question.message_id)

    assert "只有群管理员" in refused.text
    assert question.reply_markup["force_reply"] is True
    assert "Score 100/100" in feedback.text


async def test_daily_push_waits_out_a_429_and_unsubscribes_on_403(
    bot: FakeBotApi, services: Services, clock: FakeClock
) -> None:
    await _say(bot, USER_ID, "/daily 09:30 UTC")
    await _say(bot, OTHER_ID, "/daily 09:30 UTC")
    bot.inject_error("sendMessage", 429, retry_after=1, chat_id=USER_ID)
    bot.block(OTHER_ID)
    clock.advance(minutes=31)

    summary = await _push_now(bot, services)
    again = await _push_now(bot, services)

    assert (summary.sent, summary.blocked) == (1, 1)
    assert again.total == 0
    pushed = [
        call for call in bot.calls("sendMessage") if call.params.get("chat_id") in (USER_ID, str(USER_ID))
    ]
    assert [call.error_code for call in pushed[-2:]] == [429, None]


async def test_daily_with_bad_input_explains_the_format(bot: FakeBotApi) -> None:
    for text in ("/daily 25:00", "/daily soon", "/daily 08:00 Mars/Base"):
        reply = await _say(bot, USER_ID, text)
        assert "格式不对" in reply.text and "/daily HH:MM" in reply.text


async def test_push_now_runs_one_pass_from_the_command_line(
    api: FakeBotApi, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio
    from datetime import UTC, datetime, timedelta

    from bot.__main__ import main

    database = f"sqlite+aiosqlite:///{tmp_path / 'push.db'}"
    for name, value in {
        "DATABASE_URL": database,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
    }.items():
        monkeypatch.setenv(name, value)
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    assert await asyncio.to_thread(main, ["questions", "list"]) == 0
    engine = create_engine(database)
    try:
        context = ServiceContext(create_session_factory(engine), DrillPolicy(), clock=lambda: two_days_ago)
        services = Services.build(context)
        for user_id in (USER_ID, OTHER_ID):
            user = ChatUser("telegram", str(user_id))
            await services.daily.daily(ChatRef("telegram", str(user_id)), user, False, "00:00 UTC")
    finally:
        await engine.dispose()
    api.block(OTHER_ID)
    capsys.readouterr()

    # The CLI reads the real clock: subscribed two days ago for 00:00 UTC, today's push is always due.
    exit_code = await asyncio.to_thread(main, ["push", "--now"])

    assert exit_code == 0
    assert capsys.readouterr().out.strip() == "sent 1, skipped 0, blocked 1, failed 0"
    assert [message.chat_id for message in api.sent()] == [USER_ID]


async def test_in_private_a_reply_to_any_bot_message_answers_the_open_question(bot: FakeBotApi) -> None:
    await _say(bot, USER_ID, "/quiz")
    first = await _say(bot, USER_ID, "gamma")
    await _say(bot, USER_ID, "/quiz")

    feedback = await _say(bot, USER_ID, GOOD_ANSWER, reply_to=first.message_id)

    assert "100/100" in feedback.text
