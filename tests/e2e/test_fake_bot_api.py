"""Tests of the Telegram Bot API stand-in, driven by python-telegram-bot's own Bot and Application."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from telegram import (
    Bot,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MessageEntity,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.e2e.fake_bot_api import NOT_MODIFIED, QUERY_TOO_OLD, FakeBotApi, parse_html

# RetryAfter warns about retry_after becoming a timedelta in python-telegram-bot 23.
ignore_retry_after_deprecation = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
ADA, BOB, CAROL = 1001, 1002, 1003
GROUP = -4001
SUPERGROUP = -1001234567890
START = dtm.datetime(2025, 3, 3, 9, 30, tzinfo=dtm.UTC)


class ManualClock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dtm.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += dtm.timedelta(seconds=seconds)


def png(width: int = 3, height: int = 2) -> bytes:
    """Build a small valid grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def keyboard(*data: str) -> InlineKeyboardMarkup:
    """Build a one-row inline keyboard with these callback data."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(item.upper(), callback_data=item) for item in data]])


def retry_seconds(error: RetryAfter) -> int:
    """Read retry_after as seconds, whichever type this python-telegram-bot version gives."""
    value = error.retry_after
    return int(value.total_seconds()) if isinstance(value, dtm.timedelta) else int(value)


async def fails(api: FakeBotApi, error_type: type[Exception], call: Awaitable[Any]) -> str:
    """Await a call that must raise error_type and return Telegram's exact description."""
    with pytest.raises(error_type):
        await call
    description = api.calls()[-1].description
    assert description is not None
    return description


@asynccontextmanager
async def running(**options: Any) -> AsyncIterator[tuple[FakeBotApi, Bot]]:
    """Serve a FakeBotApi with Ada and Bob, and a Bot talking to it."""
    async with FakeBotApi(**options) as api:
        api.add_user(ADA, "Ada", username="ada")
        api.add_user(BOB, "Bob", language_code="en")
        async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
            yield api, bot


@pytest.fixture
def api_clock() -> ManualClock:
    return ManualClock()


@pytest_asyncio.fixture
async def served(api_clock: ManualClock) -> AsyncIterator[tuple[FakeBotApi, Bot]]:
    async with running(clock=api_clock) as pair:
        yield pair


@pytest.fixture
def api(served: tuple[FakeBotApi, Bot]) -> FakeBotApi:
    return served[0]


@pytest.fixture
def bot(served: tuple[FakeBotApi, Bot]) -> Bot:
    return served[1]


# --- HTML parse mode --------------------------------------------------------------------------


def test_parse_html_strips_tags_and_decodes_entities() -> None:
    text, entities = parse_html(
        '<b>Q1</b> <i>why?</i> <a href="https://e.x/?a=1&amp;b=2">link</a> &lt;T&gt; &quot;&#128512;&#x41;'
    )
    assert text == 'Q1 why? link <T> "😀A'
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://e.x/?a=1&b=2"},
    ]


def test_parse_html_counts_offsets_in_utf16_and_orders_nested_entities() -> None:
    text, entities = parse_html("😀 <b>bold <i>both</i></b> <u>中</u>")
    assert text == "😀 bold both 中"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "underline", "offset": 13, "length": 1},
    ]


def test_parse_html_knows_every_supported_tag() -> None:
    source = (
        '<pre><code class="language-python">print(1)</code></pre><code>x</code>'
        "<blockquote expandable>q</blockquote><blockquote>r</blockquote><tg-spoiler>s</tg-spoiler>"
        '<span class="tg-spoiler">t</span><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        "<strong>a</strong><em>b</em><ins>c</ins><s>d</s><strike>e</strike><del>f</del><B>g</B>"
    )
    text, entities = parse_html(source)
    assert text == "print(1)xqrst👍abcdefg"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("pre", 0, 8),
        ("code", 8, 1),
        ("expandable_blockquote", 9, 1),
        ("blockquote", 10, 1),
        ("spoiler", 11, 1),
        ("spoiler", 12, 1),
        ("custom_emoji", 13, 2),
        ("bold", 15, 1),
        ("italic", 16, 1),
        ("underline", 17, 1),
        ("strikethrough", 18, 1),
        ("strikethrough", 19, 1),
        ("strikethrough", 20, 1),
        ("bold", 21, 1),
    ]
    assert entities[0]["language"] == "python"
    assert entities[6]["custom_emoji_id"] == "5368324170671202286"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("é <br/>", 'Unsupported start tag "br/" at byte offset 3'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("a<b", "Unclosed start tag at byte offset 1"),
        ("Tom & Jerry", "Character entity expected at byte offset 4"),
        ("&nbsp;", "Character entity expected at byte offset 0"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
    ],
)
async def test_html_errors_are_worded_like_telegram(
    api: FakeBotApi, bot: Bot, source: str, reason: str
) -> None:
    expected = f"Bad Request: can't parse entities: {reason}"
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(ADA, source, parse_mode="HTML")
    assert str(caught.value) == expected.removeprefix("Bad Request: ").capitalize()
    assert api.calls("sendMessage")[-1].description == expected
    assert api.sent() == []


# --- transport and envelope -------------------------------------------------------------------


async def test_raw_http_envelopes_routes_and_body_encodings(api: FakeBotApi) -> None:
    root = f"{api.base_url}{api.token}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{api.base_url}999:wrong/getMe") as response:
            assert response.status == 401
            assert await response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        async with http.post(f"{root}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.get(f"{api.base_file_url}{api.token}/photos/file_1.jpg") as response:
            assert response.status == 404
        async with http.get(f"{root}/GETME") as response:
            assert (await response.json())["result"]["username"] == "drill_bot"
        async with http.post(
            f"{root}/sendmessage", json={"chat_id": ADA, "text": "j", "reply_markup": markup}
        ):
            pass
        form = {"chat_id": str(ADA), "text": "123", "reply_markup": json.dumps(markup)}
        async with http.post(f"{root}/sendMessage", data=form) as response:
            body = await response.json()
        async with http.get(f"{root}/sendMessage", params={"chat_id": str(ADA), "text": "q"}) as response:
            assert (await response.json())["result"]["text"] == "q"
    assert body["ok"] is True
    assert body["result"]["text"] == "123"
    assert body["result"]["reply_markup"] == markup
    assert [record.reply_markup for record in api.sent(ADA)] == [markup, markup, None]
    assert [call.method for call in api.calls()][-3:] == ["sendMessage"] * 3


async def test_get_me_and_webhook_housekeeping(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (api.bot_id, "drill_bot", True)
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    await api.user_sends(ADA, "queued")
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    assert api.pending_updates == []
    assert await bot.log_out() is True
    assert await bot.close() is True


async def test_wrong_token_and_unknown_method(api: FakeBotApi, bot: Bot) -> None:
    stranger = Bot("999:wrong-token", base_url=api.base_url)
    with pytest.raises(InvalidToken):
        await stranger.initialize()
    await stranger.shutdown()
    assert api.calls("getMe")[-1].description == "Unauthorized"
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")


# --- sending ----------------------------------------------------------------------------------


async def test_send_message_returns_a_complete_message(
    api: FakeBotApi, bot: Bot, api_clock: ManualClock
) -> None:
    first = await bot.send_message(
        ADA,
        "<b>Q1.</b> What is a <i>mutex</i>?",
        parse_mode="HTML",
        reply_markup=keyboard("a", "b"),
        disable_notification=True,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    api_clock.advance(60)
    second = await bot.send_message(ADA, "plain")
    other = await bot.send_message(BOB, "hi Bob")
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.date == START and second.date == START + dtm.timedelta(seconds=60)
    assert first.text == "Q1. What is a mutex?"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [
        (MessageEntity.BOLD, 0, 3),
        (MessageEntity.ITALIC, 14, 5),
    ]
    assert first.from_user.id == api.bot_id and first.chat.type == "private" and first.chat.username == "ada"
    assert first.reply_markup == keyboard("a", "b")
    record = api.sent(ADA)[0]
    assert (record.method, record.text, record.parse_mode) == ("sendMessage", first.text, "HTML")
    assert record.source == "<b>Q1.</b> What is a <i>mutex</i>?"
    assert record.callback_data == ["a", "b"]
    assert record.disable_notification is True
    assert record.params["link_preview_options"] == {"is_disabled": True}
    assert [r.text for r in api.sent()] == [first.text, "plain", "hi Bob"]


async def test_listeners_get_each_message_sent_while_listening(api: FakeBotApi, bot: Bot) -> None:
    heard: list[str | None] = []
    await bot.send_message(ADA, "before")
    with api.listening(lambda record: heard.append(record.text)):
        await bot.send_message(ADA, "<b>one</b>", parse_mode="HTML")
        await fails(api, BadRequest, bot.send_message(ADA, ""))
        await bot.send_message(BOB, "two")
    await bot.send_message(ADA, "after")
    assert heard == ["one", "two"]


async def test_force_reply_and_keyboard_removal_are_recorded_not_echoed(api: FakeBotApi, bot: Bot) -> None:
    asked = await bot.send_message(ADA, "Your answer?", reply_markup=ForceReply(input_field_placeholder="…"))
    removed = await bot.send_message(ADA, "Done", reply_markup=ReplyKeyboardRemove())
    assert asked.reply_markup is None and removed.reply_markup is None
    assert [r.reply_markup for r in api.sent(ADA)] == [
        {"force_reply": True, "input_field_placeholder": "…"},
        {"remove_keyboard": True},
    ]


async def test_replies_carry_the_replied_to_message(api: FakeBotApi, bot: Bot) -> None:
    question = await bot.send_message(ADA, "Q1")
    answer = await bot.send_message(ADA, "A1", reply_parameters=ReplyParameters(question.message_id))
    assert answer.reply_to_message.message_id == question.message_id
    assert answer.reply_to_message.text == "Q1"
    assert api.sent(ADA)[-1].reply_to_message_id == question.message_id
    assert (
        await fails(api, BadRequest, bot.send_message(ADA, "x", reply_to_message_id=99))
        == "Bad Request: message to be replied not found"
    )
    lenient = ReplyParameters(99, allow_sending_without_reply=True)
    assert (await bot.send_message(ADA, "x", reply_parameters=lenient)).reply_to_message is None
    user_reply = await api.user_sends(ADA, "my answer", reply_to=answer.message_id)
    assert user_reply is not None
    assert user_reply["reply_to_message"]["text"] == "A1"
    assert "reply_to_message" not in user_reply["reply_to_message"]


async def test_text_length_limits_count_utf16_units(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(ADA, "x" * 4096)
    await bot.send_message(ADA, f"<b>{'x' * 4096}</b>", parse_mode="HTML")
    assert (
        await fails(api, BadRequest, bot.send_message(ADA, "x" * 4097)) == "Bad Request: message is too long"
    )
    assert (
        await fails(api, BadRequest, bot.send_message(ADA, "😀" * 2049)) == "Bad Request: message is too long"
    )
    assert await fails(api, BadRequest, bot.send_message(ADA, "")) == "Bad Request: message text is empty"
    empty_html = bot.send_message(ADA, "<b></b>", parse_mode="HTML")
    assert await fails(api, BadRequest, empty_html) == "Bad Request: message text is empty"
    assert len(api.sent()) == 2


async def test_callback_data_must_be_1_to_64_bytes(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(ADA, "ok", reply_markup=keyboard("a" * 64))
    for data in ("a" * 65, "中" * 22, ""):
        call = bot.send_message(ADA, "q", reply_markup=keyboard(data))
        assert await fails(api, BadRequest, call) == "Bad Request: BUTTON_DATA_INVALID"
    assert len(api.sent()) == 1


async def test_unknown_chat_is_not_found(api: FakeBotApi, bot: Bot) -> None:
    assert await fails(api, BadRequest, bot.send_message(424242, "hi")) == "Bad Request: chat not found"
    assert await fails(api, BadRequest, bot.get_chat(-777)) == "Bad Request: chat not found"


async def test_send_photo_uploads_multipart_and_keeps_the_bytes(api: FakeBotApi, bot: Bot) -> None:
    image = png(3, 2)
    sent = await bot.send_photo(
        ADA, image, caption="<b>Week 1</b> progress", parse_mode="HTML", reply_markup=keyboard("next")
    )
    assert (sent.photo[-1].width, sent.photo[-1].height, sent.photo[-1].file_size) == (3, 2, len(image))
    assert sent.caption == "Week 1 progress"
    assert sent.caption_entities[0].type == MessageEntity.BOLD
    assert sent.reply_markup == keyboard("next")
    record = api.sent(ADA)[-1]
    assert record.method == "sendPhoto" and record.photo == image and record.photo.startswith(b"\x89PNG")
    assert record.text == "Week 1 progress" and record.callback_data == ["next"]
    assert api.calls("sendPhoto")[-1].files["photo"] == image
    await bot.send_photo(BOB, sent.photo[-1].file_id)
    assert api.sent(BOB)[-1].photo == image
    long_caption = bot.send_photo(ADA, image, caption="c" * 1025)
    assert await fails(api, BadRequest, long_caption) == "Bad Request: message caption is too long"
    assert (
        await fails(api, BadRequest, bot.send_photo(ADA, b"not an image"))
        == "Bad Request: IMAGE_PROCESS_FAILED"
    )


# --- editing and callbacks --------------------------------------------------------------------


async def test_edit_message_text_and_markup(api: FakeBotApi, bot: Bot, api_clock: ManualClock) -> None:
    question = await bot.send_message(ADA, "Q1: <b>mutex</b>?", parse_mode="HTML", reply_markup=keyboard("a"))
    api_clock.advance(5)
    edited = await bot.edit_message_text("Q1: <b>mutex</b>? ✅", ADA, question.message_id, parse_mode="HTML")
    assert edited.text == "Q1: mutex? ✅" and edited.reply_markup is None
    assert edited.edit_date == START + dtm.timedelta(seconds=5)
    record = api.sent(ADA)[-1]
    assert (record.text, record.reply_markup, record.edit_count) == ("Q1: mutex? ✅", None, 1)
    same = bot.edit_message_text("Q1: <b>mutex</b>? ✅", ADA, question.message_id, parse_mode="HTML")
    assert await fails(api, BadRequest, same) == f"Bad Request: {NOT_MODIFIED}"
    relabelled = await bot.edit_message_reply_markup(ADA, question.message_id, reply_markup=keyboard("b"))
    assert relabelled.reply_markup == keyboard("b") and api.sent(ADA)[-1].callback_data == ["b"]
    same_markup = bot.edit_message_reply_markup(ADA, question.message_id, reply_markup=keyboard("b"))
    assert await fails(api, BadRequest, same_markup) == f"Bad Request: {NOT_MODIFIED}"
    missing = bot.edit_message_text("x", ADA, 999)
    assert await fails(api, BadRequest, missing) == "Bad Request: message to edit not found"
    photo = await bot.send_photo(ADA, png())
    no_text = bot.edit_message_text("x", ADA, photo.message_id)
    assert await fails(api, BadRequest, no_text) == "Bad Request: there is no text in the message to edit"


async def test_callback_queries_are_answered_once(api: FakeBotApi, bot: Bot) -> None:
    question = await bot.send_message(ADA, "Pick", reply_markup=keyboard("yes", "no"))
    query_id = await api.user_presses(ADA, ADA, question.message_id, "no")
    [update] = await bot.get_updates()
    assert update.callback_query.id == query_id and update.callback_query.data == "no"
    assert update.callback_query.message.message_id == question.message_id
    assert update.callback_query.from_user.first_name == "Ada"
    assert await bot.answer_callback_query(query_id, text="Noted", show_alert=True) is True
    assert api.answered_callbacks == [{"callback_query_id": query_id, "text": "Noted", "show_alert": True}]
    assert (
        await fails(api, BadRequest, bot.answer_callback_query(query_id)) == f"Bad Request: {QUERY_TOO_OLD}"
    )
    assert await fails(api, BadRequest, bot.answer_callback_query("nope")) == f"Bad Request: {QUERY_TOO_OLD}"
    with pytest.raises(ValueError, match="no button 'maybe'"):
        await api.user_presses(ADA, ADA, question.message_id, "maybe")


# --- blocked users, kicked bots, fault injection, rate limits --------------------------------


async def test_blocked_user_and_kicked_bot_are_forbidden(api: FakeBotApi, bot: Bot) -> None:
    api.block(ADA)
    blocked = "Forbidden: bot was blocked by the user"
    assert await fails(api, Forbidden, bot.send_message(ADA, "hi")) == blocked
    assert await fails(api, Forbidden, bot.send_chat_action(ADA, ChatAction.TYPING)) == blocked
    api.unblock(ADA)
    await bot.send_message(ADA, "welcome back")

    await api.chat_member_update(BOB, BOB, "member", "kicked")
    assert await fails(api, Forbidden, bot.send_photo(BOB, png())) == blocked
    [update] = await bot.get_updates()
    change = update.my_chat_member
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("member", "kicked")
    assert change.new_chat_member.user.id == api.bot_id and change.from_user.id == BOB
    await api.chat_member_update(BOB, BOB, "kicked", "member")
    await bot.send_message(BOB, "hello again")

    api.add_group(GROUP, "Interview prep", members=[ADA])
    await api.chat_member_update(GROUP, ADA, "member", "kicked")
    kicked = "Forbidden: bot was kicked from the group chat"
    assert await fails(api, Forbidden, bot.send_message(GROUP, "hi")) == kicked


@ignore_retry_after_deprecation
async def test_injected_errors_fail_the_next_matching_calls(api: FakeBotApi, bot: Bot) -> None:
    api.inject_error("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ADA, "hi")
    assert retry_seconds(caught.value) == 7
    assert api.calls()[-1].description == "Too Many Requests: retry after 7"
    await bot.send_message(ADA, "hi")

    api.inject_error("SENDMESSAGE", 400, "Bad Request: chat not found", times=2, chat_id=BOB)
    await bot.send_message(ADA, "unaffected")
    for _ in range(2):
        assert await fails(api, BadRequest, bot.send_message(BOB, "x")) == "Bad Request: chat not found"
    await bot.send_message(BOB, "third time lucky")
    api.inject_error("getChat", 403, "Forbidden: bot was kicked from the supergroup chat")
    await fails(api, Forbidden, bot.get_chat(ADA))
    assert [r.text for r in api.sent()] == ["hi", "unaffected", "third time lucky"]


@ignore_retry_after_deprecation
async def test_rate_limit_allows_30_per_second_overall() -> None:
    clock = ManualClock()
    async with running(rate_limit=True, clock=clock) as (api, bot):
        for number in range(29):
            await bot.send_message(ADA, f"m{number}")
        await fails(api, BadRequest, bot.send_message(ADA, "x" * 5000))  # refused, so not counted
        await bot.send_message(BOB, "m29")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(BOB, "too fast")
        assert retry_seconds(caught.value) == 1
        clock.advance(1)
        await bot.send_message(BOB, "fine")
        assert len(api.sent()) == 31


@ignore_retry_after_deprecation
async def test_rate_limit_allows_20_per_minute_per_group() -> None:
    clock = ManualClock()
    async with running(rate_limit=True, clock=clock) as (api, bot):
        api.add_group(GROUP, "Interview prep", members=[ADA])
        for number in range(20):
            await bot.send_message(GROUP, f"g{number}")
            clock.advance(1)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(GROUP, "too many")
        assert retry_seconds(caught.value) == 40
        await bot.send_message(ADA, "private chats are not limited per minute")
        clock.advance(40)
        await bot.send_message(GROUP, "fine again")


# --- commands, chats, members, actions --------------------------------------------------------


async def test_commands_are_stored_per_scope_and_language(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Start drilling"), ("stats", "Your stats")])
    await bot.set_my_commands([("start", "开始练习")], language_code="zh")
    await bot.set_my_commands([("admin", "Admin tools")], scope=BotCommandScopeChat(ADA))
    assert [c.command for c in await bot.get_my_commands()] == ["start", "stats"]
    assert [c.description for c in await bot.get_my_commands(language_code="zh")] == ["开始练习"]
    assert api.commands(scope={"type": "chat", "chat_id": ADA}) == [
        {"command": "admin", "description": "Admin tools"}
    ]
    assert await bot.get_my_commands(language_code="fr") == ()
    await bot.delete_my_commands(language_code="zh")
    assert api.commands(language_code="zh") == [] and len(api.commands()) == 2
    assert (
        await fails(api, BadRequest, bot.set_my_commands([("Start", "x")]))
        == "Bad Request: BOT_COMMAND_INVALID"
    )


async def test_get_chat_and_chat_members(api: FakeBotApi, bot: Bot) -> None:
    private = await bot.get_chat(ADA)
    assert (private.type, private.first_name, private.username) == ("private", "Ada", "ada")
    api.add_group(GROUP, "Interview prep", members=[ADA], admins=[BOB])
    api.add_group(SUPERGROUP, "Big prep")
    assert (await bot.get_chat(GROUP)).title == "Interview prep"
    assert (await bot.get_chat(SUPERGROUP)).type == "supergroup"
    assert (await bot.get_chat_member(GROUP, BOB)).status == "administrator"
    assert (await bot.get_chat_member(GROUP, api.bot_id)).status == "member"
    for status in ("creator", "administrator", "member", "left", "kicked"):
        api.set_member_status(GROUP, ADA, status)
        assert (await bot.get_chat_member(GROUP, ADA)).status == status
    assert await fails(api, BadRequest, bot.get_chat_member(GROUP, 5555)) == "Bad Request: user not found"


async def test_send_chat_action(api: FakeBotApi, bot: Bot) -> None:
    assert await bot.send_chat_action(ADA, ChatAction.UPLOAD_PHOTO) is True
    wrong = bot.send_chat_action(ADA, "dancing")
    assert await fails(api, BadRequest, wrong) == "Bad Request: wrong parameter action in request"


# --- privacy mode -----------------------------------------------------------------------------


async def test_privacy_mode_filters_group_messages(api: FakeBotApi, bot: Bot) -> None:
    api.add_user(CAROL, "Carol")
    api.add_group(GROUP, "Interview prep", members=[ADA, BOB])
    assert await api.user_sends(ADA, "just chatting", chat_id=GROUP) is None
    start = await api.user_sends(ADA, "/start", chat_id=GROUP)
    addressed = await api.user_sends(ADA, "/quiz@drill_bot now", chat_id=GROUP)
    assert await api.user_sends(ADA, "/quiz@other_bot", chat_id=GROUP) is None
    question = await bot.send_message(GROUP, "What is a mutex?")
    answer = await api.user_sends(BOB, "a lock", chat_id=GROUP, reply_to=question.message_id)
    assert await api.user_sends(BOB, "@Ada hi", chat_id=GROUP, reply_to=start["message_id"]) is None
    assert addressed is not None and answer is not None
    assert addressed["entities"] == [{"type": "bot_command", "offset": 0, "length": 15}]
    with pytest.raises(ValueError, match="not a member"):
        await api.user_sends(CAROL, "hi", chat_id=GROUP)
    await api.user_joins(CAROL, GROUP)
    assert await api.user_sends(ADA, "private chats always deliver") is not None

    updates = await bot.get_updates()
    assert [u.effective_message.text for u in updates] == [
        "/start",
        "/quiz@drill_bot now",
        "a lock",
        None,
        "private chats always deliver",
    ]
    assert updates[0].message.entities[0].type == MessageEntity.BOT_COMMAND
    assert updates[2].message.reply_to_message.text == "What is a mutex?"
    assert updates[3].message.new_chat_members[0].first_name == "Carol"


async def test_without_privacy_mode_or_as_admin_the_bot_sees_everything() -> None:
    async with running(privacy_mode=False) as (api, bot):
        assert (await bot.get_me()).can_read_all_group_messages is True
        api.add_group(GROUP, "Interview prep", members=[ADA])
        assert await api.user_sends(ADA, "just chatting", chat_id=GROUP) is not None
        assert await api.user_sends(ADA, "/quiz@other_bot", chat_id=GROUP) is not None
    async with running() as (api, bot):
        api.add_group(GROUP, "Interview prep", members=[ADA])
        api.set_member_status(GROUP, api.bot_id, "administrator")
        assert await api.user_sends(ADA, "just chatting", chat_id=GROUP) is not None
        api.set_member_status(GROUP, api.bot_id, "left")
        assert await api.user_sends(ADA, "/start", chat_id=GROUP) is None


# --- long polling -----------------------------------------------------------------------------


async def test_get_updates_offsets_and_limits(api: FakeBotApi, bot: Bot) -> None:
    for text in ("one", "two", "three"):
        await api.user_sends(ADA, text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["one", "two"]
    assert len(await bot.get_updates()) == 3  # nothing confirmed yet
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["three"]
    assert len(api.pending_updates) == 1
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    assert api.pending_updates == []
    for text in ("a", "b", "c"):
        await api.user_sends(ADA, text)
    assert [u.message.text for u in await bot.get_updates(offset=-1)] == ["c"]
    assert [u["message"]["text"] for u in api.pending_updates] == ["c"]


async def test_allowed_updates_filters_new_updates(api: FakeBotApi, bot: Bot) -> None:
    await bot.get_updates(allowed_updates=["message"])
    question = await bot.send_message(ADA, "Pick", reply_markup=keyboard("a"))
    await api.user_presses(ADA, ADA, question.message_id, "a")
    await api.user_sends(ADA, "hi")
    assert [u.message.text for u in await bot.get_updates()] == ["hi"]
    await bot.get_updates(allowed_updates=[])
    await api.user_presses(ADA, ADA, question.message_id, "a")
    assert (await bot.get_updates())[-1].callback_query.data == "a"


async def test_long_poll_waits_and_wakes_on_a_new_update(api: FakeBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_for(lambda: api.waiting_polls == 1)
    assert not poll.done()
    await api.user_sends(ADA, "hello")
    assert [u.message.text for u in await poll] == ["hello"]
    await api.wait_for(lambda: api.waiting_polls == 0)


async def test_a_second_instance_polling_ends_the_first_with_conflict(api: FakeBotApi, bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_for(lambda: api.waiting_polls == 1)
    async with Bot(api.token, base_url=api.base_url) as second_instance:
        newer = asyncio.create_task(second_instance.get_updates(timeout=30))
        with pytest.raises(Conflict):
            await older
        await api.wait_for(lambda: api.waiting_polls == 1)
        await api.user_sends(ADA, "hello")
        assert len(await newer) == 1


async def test_wait_until_idle_needs_updates_confirmed(api: FakeBotApi, bot: Bot) -> None:
    await api.user_sends(ADA, "hi")
    idle = asyncio.create_task(api.wait_until_idle())
    updates = await bot.get_updates()
    assert not idle.done()
    await bot.get_updates(offset=updates[-1].update_id + 1)
    await idle
    with pytest.raises(TimeoutError, match="condition not met"):
        await api.wait_for(lambda: False, timeout=0.01)


async def test_application_answers_start_over_long_polling(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet the user when the command /start is issued."""
        await update.message.reply_html(f"Hi <b>{update.effective_user.first_name}</b>!")

    app = (
        Application.builder().token(api.token).base_url(api.base_url).base_file_url(api.base_file_url).build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        await app.updater.start_polling()
        try:
            await api.user_sends(ADA, "/start")
            [reply] = await api.wait_for_sent(1, chat_id=ADA)
            await api.wait_until_idle()
        finally:
            await app.updater.stop()
            await app.stop()
    assert reply.text == "Hi Ada!"
    assert reply.entities == [{"type": "bold", "offset": 3, "length": 3}]
    assert api.pending_updates == []
    assert api.calls("deleteWebhook")
    offsets = [call.params.get("offset") for call in api.calls("getUpdates")]
    assert max(int(offset or 0) for offset in offsets) == 2
