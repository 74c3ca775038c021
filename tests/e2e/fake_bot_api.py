"""A stand-in for the Telegram Bot API that the real python-telegram-bot talks to over HTTP.

It serves ``/bot<TOKEN>/<method>`` on 127.0.0.1 and answers like Telegram, errors included, so
end-to-end tests can drive a real ``Application`` the way Telegram would::

    async with FakeBotApi(bot_username="drill_bot") as api:
        api.add_user(42, "Ada")
        app = Application.builder().token(api.token).base_url(api.base_url).build()
        ...  # start the app and app.updater.start_polling()
        await api.user_sends(42, "/start")
        [reply] = await api.wait_for_sent(1, chat_id=42)

Not modelled: Markdown parse modes (texts are kept as sent, without entities), inline messages,
files served under ``/file/bot<TOKEN>/`` (always 404) and methods not listed in ``_method_table``
(404, which python-telegram-bot reports as ``InvalidToken``/``EndPointNotFound``).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import re
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

from aiohttp import BodyPartReader, web

JSONDict = dict[str, Any]
Files = dict[str, bytes]
_Handler = Callable[[JSONDict, Files], Awaitable[Any]]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
GLOBAL_RATE_LIMIT = (30, 1.0)  # messages, seconds
GROUP_RATE_LIMIT = (20, 60.0)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)

_GROUP_TYPES = frozenset({"group", "supergroup"})
_ACTIVE_STATUSES = frozenset({"creator", "administrator", "member"})
_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})
# Telegram only sends these update types to bots that ask for them in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_SERVICE_KEYS = ("new_chat_members", "left_chat_member", "new_chat_title", "pinned_message")
# fmt: off
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "callback_game", "pay", "copy_text",
)
_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
# Form fields python-telegram-bot sends as plain strings; every other field holds JSON.
_STRING_PARAMS = frozenset({
    "text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "language_code", "action",
    "url", "photo", "title", "description", "chat_id",
})
_ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_pin_messages", "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories",
)
_GIFT_TYPES = (
    "unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels",
)
# fmt: on
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF", b"BM")
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@([A-Za-z0-9_]{3,32}))?")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def utf16_len(text: str) -> int:
    """Count UTF-16 code units, the unit Telegram measures texts and entities in."""
    return len(text.encode("utf-16-le")) // 2


def _utc_now() -> datetime:
    """Return the current time, the default clock."""
    return datetime.now(UTC)


class TelegramApiError(Exception):
    """An error answer, worded as Telegram words it."""

    def __init__(self, error_code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> JSONDict:
        """Build Telegram's error envelope."""
        body: JSONDict = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(reason: str) -> TelegramApiError:
    """Build a 400 error."""
    return TelegramApiError(400, f"Bad Request: {reason}")


def _forbidden(reason: str) -> TelegramApiError:
    """Build a 403 error."""
    return TelegramApiError(403, f"Forbidden: {reason}")


def _too_many_requests(retry_after: int) -> TelegramApiError:
    """Build a 429 error carrying retry_after."""
    return TelegramApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


# --- HTML parse mode ---------------------------------------------------------------------------

_HTML_TAGS = {
    **dict.fromkeys(("b", "strong"), "bold"),
    **dict.fromkeys(("i", "em"), "italic"),
    **dict.fromkeys(("u", "ins"), "underline"),
    **dict.fromkeys(("s", "strike", "del"), "strikethrough"),
    **dict.fromkeys(("tg-spoiler", "span"), "spoiler"),
    **{
        "a": "text_link",
        "code": "code",
        "pre": "pre",
        "blockquote": "blockquote",
        "tg-emoji": "custom_emoji",
    },
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_MARKUP_RE = re.compile(r"[&<]")


class HtmlParseError(ValueError):
    """Why Telegram refuses a text in HTML parse mode."""


def _match_entity(source: str, pos: int) -> tuple[str, int] | None:
    """Decode the character entity at pos, giving the character and the position after it."""
    match = _ENTITY_RE.match(source, pos)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return None if char is None else (char, match.end())
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # in UTF-16 units of the visible text


class _HtmlParser:
    """Turn Telegram-flavoured HTML into visible text and MessageEntity dicts."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[JSONDict] = []
        self.code_languages: dict[tuple[int, int], str] = {}

    def parse(self) -> tuple[str, list[JSONDict]]:
        """Parse the whole source."""
        while self.pos < len(self.src):
            # Text up to the next tag or entity is emitted in one piece: a bot's reply is mostly text.
            markup = _MARKUP_RE.search(self.src, self.pos)
            end = markup.start() if markup else len(self.src)
            if end > self.pos:
                self.emit(self.src[self.pos : end])
                self.pos = end
            elif self.src[self.pos] == "&":
                self.emit(self.read_entity())
            else:
                self.read_tag()
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        return "".join(self.out), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))

    def fail(self, reason: str, pos: int) -> NoReturn:
        """Raise with Telegram's byte offset of pos."""
        raise HtmlParseError(f"{reason} at byte offset {self.byte_offset(pos)}")

    def byte_offset(self, pos: int) -> int:
        """Convert a str index into a UTF-8 byte offset."""
        return len(self.src[:pos].encode("utf-8"))

    def emit(self, text: str) -> None:
        """Append visible text."""
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def scan(self, pos: int, keep: Callable[[str], bool]) -> int:
        """Return the first index from pos whose character keep() rejects."""
        while pos < len(self.src) and keep(self.src[pos]):
            pos += 1
        return pos

    def skip_spaces(self) -> None:
        """Move past whitespace."""
        self.pos = self.scan(self.pos, str.isspace)

    def read_entity(self) -> str:
        """Read a character entity, which must be one Telegram knows."""
        decoded = _match_entity(self.src, self.pos)
        if decoded is None:
            self.fail("Character entity expected", self.pos)
        char, self.pos = decoded
        return char

    def read_tag(self) -> None:
        """Read a start or an end tag."""
        if self.src.startswith("</", self.pos):
            self.read_end_tag(self.pos)
        else:
            self.read_start_tag(self.pos)

    def read_start_tag(self, start: int) -> None:
        """Read a start tag and its attributes."""
        name_end = self.scan(start + 1, lambda c: not c.isspace() and c != ">")
        if name_end >= len(self.src):
            self.fail("Unclosed start tag", start)
        name = self.src[start + 1 : name_end].lower()
        if name not in _HTML_TAGS:
            self.fail(f'Unsupported start tag "{name}"', start)
        self.pos = name_end
        attributes = self.read_attributes(name, start)
        self.stack.append(_OpenTag(name, self.tag_argument(name, attributes, start), self.utf16))

    def read_attributes(self, tag: str, start: int) -> dict[str, str]:
        """Read attributes up to and including the closing '>'."""
        attributes: dict[str, str] = {}
        while True:
            self.skip_spaces()
            if self.pos >= len(self.src):
                self.fail("Unclosed start tag", start)
            if self.src[self.pos] == ">":
                self.pos += 1
                return attributes
            name_start = self.pos
            self.pos = self.scan(self.pos, lambda c: not c.isspace() and c not in "=>")
            name = self.src[name_start : self.pos].lower()
            if not name:
                self.fail(f'Empty attribute name in the tag "{tag}"', start)
            self.skip_spaces()
            if self.pos < len(self.src) and self.src[self.pos] == "=":
                self.pos += 1
                self.skip_spaces()
                attributes[name] = self.read_attribute_value(start)
            elif tag == "blockquote" and name == "expandable":
                attributes[name] = ""
            else:
                self.fail(f'Expected equal sign in declaration of an attribute of the tag "{tag}"', start)

    def read_attribute_value(self, start: int) -> str:
        """Read a quoted string or a name token."""
        if self.pos >= len(self.src):
            self.fail("Unclosed start tag", start)
        quote = self.src[self.pos]
        if quote not in "\"'":
            token_start = self.pos
            self.pos = self.scan(self.pos, lambda c: (c.isascii() and c.isalnum()) or c in ".-")
            if self.pos >= len(self.src) or not (self.src[self.pos].isspace() or self.src[self.pos] == ">"):
                self.fail("Unexpected end of name token", token_start)
            return self.src[token_start : self.pos].lower()
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(self.src) and self.src[self.pos] != quote:
            # Inside attribute values Telegram keeps an unknown '&...' as it is.
            decoded = _match_entity(self.src, self.pos) if self.src[self.pos] == "&" else None
            if decoded is None:
                chars.append(self.src[self.pos])
                self.pos += 1
            else:
                char, self.pos = decoded
                chars.append(char)
        if self.pos >= len(self.src):
            self.fail("Unclosed start tag", start)
        self.pos += 1
        return "".join(chars)

    def tag_argument(self, tag: str, attributes: dict[str, str], start: int) -> str:
        """Pick the one attribute each tag cares about."""
        if tag == "a":
            return attributes.get("href", "")
        if tag == "code":
            css_class = attributes.get("class", "")
            return css_class.removeprefix("language-") if css_class.startswith("language-") else ""
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            self.fail('Tag "span" must have class "tg-spoiler"', start)
        if tag == "tg-emoji" and not attributes.get("emoji-id"):
            self.fail('Tag "tg-emoji" must have attribute "emoji-id"', start)
        if tag == "tg-emoji":
            return attributes["emoji-id"]
        return "expandable" if tag == "blockquote" and "expandable" in attributes else ""

    def read_end_tag(self, start: int) -> None:
        """Read an end tag and close the innermost open tag."""
        if not self.stack:
            self.fail("Unexpected end tag", start)
        name_end = self.scan(start + 2, lambda c: not c.isspace() and c != ">")
        name = self.src[start + 2 : name_end].lower()
        self.pos = self.scan(name_end, str.isspace)
        if self.pos >= len(self.src) or self.src[self.pos] != ">":
            self.fail("Unclosed end tag", start)
        self.pos += 1
        tag = self.stack.pop()
        if name and name != tag.name:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(start)}, "
                f'expected "</{tag.name}>", found "</{name}>"'
            )
        self.close(tag)

    def close(self, tag: _OpenTag) -> None:
        """Turn a closed tag into an entity; Telegram drops empty ones."""
        length = self.utf16 - tag.offset
        entity: JSONDict = {"type": _HTML_TAGS[tag.name], "offset": tag.offset, "length": length}
        if tag.name == "pre":
            self.absorb_inner_code(entity)
        if length == 0 or (tag.name == "a" and not tag.argument):
            return
        if tag.name == "a":
            entity["url"] = tag.argument
        elif tag.name == "code" and tag.argument:
            self.code_languages[(tag.offset, length)] = tag.argument
        elif tag.name == "blockquote" and tag.argument:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        self.entities.append(entity)

    def absorb_inner_code(self, pre: JSONDict) -> None:
        """Merge <pre><code class="language-x"> into one pre entity with a language, as Telegram does."""
        span = (pre["offset"], pre["length"])
        for entity in self.entities:
            if entity["type"] == "code" and (entity["offset"], entity["length"]) == span:
                self.entities.remove(entity)
                if span in self.code_languages:
                    pre["language"] = self.code_languages[span]
                return


def parse_html(source: str) -> tuple[str, list[JSONDict]]:
    """Return the visible text and entities of an HTML text, or raise HtmlParseError."""
    return _HtmlParser(source).parse()


# --- records ----------------------------------------------------------------------------------


@dataclass
class ApiCall:
    """One request the bot made, with its decoded parameters and the answer it got."""

    method: str
    params: JSONDict
    files: Files
    ok: bool = True
    error_code: int | None = None
    description: str | None = None
    result: Any = None


@dataclass
class SentMessage:
    """A message the bot sent, as it stands now (edits applied); text holds the caption of photos."""

    chat_id: int
    message_id: int
    method: str
    text: str | None
    source: str | None  # text as the bot sent it, markup included
    parse_mode: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None
    photo: bytes | None = None
    reply_to_message_id: int | None = None
    disable_notification: bool = False
    params: JSONDict = field(default_factory=dict)
    message: JSONDict = field(default_factory=dict)
    edit_count: int = 0

    @property
    def callback_data(self) -> list[str]:
        """List the callback data of the inline buttons, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    members: dict[int, str] = field(default_factory=dict)
    messages: dict[int, JSONDict] = field(default_factory=dict)
    last_message_id: int = 0

    def as_json(self) -> JSONDict:
        """Build the Chat object."""
        data: JSONDict = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "username"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class _InjectedError:
    method: str
    error: TelegramApiError
    remaining: int
    chat_id: int | None


# --- request decoding -------------------------------------------------------------------------


def _decode_field(name: str, value: Any) -> Any:
    """Decode a JSON-encoded form field such as reply_markup; leave plain strings alone."""
    if not isinstance(value, str) or name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_params(request: web.Request) -> tuple[JSONDict, Files]:
    """Collect parameters from the query string and a JSON, urlencoded or multipart body."""
    params: JSONDict = dict(request.query)
    files: Files = {}
    if request.content_type == "application/json" and request.can_read_body:
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif request.content_type == "application/x-www-form-urlencoded":
        params.update(await request.post())
    elif request.content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                files[part.name] = bytes(await part.read())
            else:
                params[part.name] = await part.text()
    return {name: _decode_field(name, value) for name, value in params.items()}, files


def _number(params: JSONDict, name: str) -> float | None:
    """Read a numeric parameter sent as a number or a string."""
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _bad_request(f'field "{name}" must be of type Integer') from None


def _integer(params: JSONDict, name: str) -> int | None:
    """Read an integer parameter."""
    value = _number(params, name)
    return None if value is None else int(value)


def _png_size(data: bytes) -> tuple[int, int]:
    """Read width and height from a PNG header; 0x0 for other formats."""
    if data.startswith(_IMAGE_MAGIC[0]) and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def _check_inline_button(button: Any) -> None:
    """Refuse buttons Telegram refuses."""
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise _bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad_request("BUTTON_DATA_INVALID")
    elif not any(action in button for action in _BUTTON_ACTIONS):
        raise _bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )


def _check_markup(markup: Any) -> JSONDict | None:
    """Validate reply_markup of any kind and return it."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            _check_inline_button(button)
    return markup


def _inline_only(markup: JSONDict | None) -> JSONDict | None:
    """Keep a markup only if it is a non-empty inline keyboard, the only kind Messages carry."""
    if markup and any(markup.get("inline_keyboard", [])):
        return markup
    return None


def _check_text(text: str) -> None:
    """Refuse empty and over-long message texts."""
    if not text.strip():
        raise _bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT_LENGTH:
        raise _bad_request("message is too long")


def _member_json(user: JSONDict, status: str) -> JSONDict:
    """Build a ChatMember object for a status."""
    member: JSONDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True), can_be_edited=False, is_anonymous=False)
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _bot_id_from_token(token: str) -> int:
    """Take the bot id from the token as Telegram does; the token must look like '123:abc'."""
    head = token.split(":", 1)[0]
    if not head.isdigit():
        raise ValueError(f"token {token!r} should look like '123456:secret'")
    return int(head)


# --- the server -------------------------------------------------------------------------------


class FakeBotApi:
    """A local Telegram Bot API server for end-to-end tests.

    The bot's id is the number before ':' in token. privacy_mode is Telegram's group privacy setting,
    rate_limit enforces 30 messages/s overall and 20/min per group, and clock (returning an aware
    datetime) dates messages and drives the rate-limit windows.
    """

    def __init__(
        self,
        token: str = "123456789:TEST-fake-token-for-e2e",
        *,
        bot_username: str = "drill_bot",
        bot_first_name: str = "Drill Bot",
        privacy_mode: bool = True,
        rate_limit: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.privacy_mode = privacy_mode
        self.rate_limit = rate_limit
        self._clock = clock or _utc_now
        self.bot_id = _bot_id_from_token(token)
        self.bot_user: JSONDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._users: dict[int, JSONDict] = {}
        self._chats: dict[int, _Chat] = {}
        self._sent: list[SentMessage] = []
        self._calls: list[ApiCall] = []
        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._allowed_updates: list[str] = []
        self._open_callbacks: dict[str, JSONDict] = {}
        self._answered: list[JSONDict] = []
        self._callback_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._files: Files = {}
        self._injected: list[_InjectedError] = []
        self._global_sends: deque[float] = deque()
        self._group_sends: dict[int, deque[float]] = {}
        self._changed = asyncio.Condition()
        self._listeners: list[Callable[[SentMessage], None]] = []
        self._in_flight = 0
        self._waiting_polls = 0
        self._poll_generation = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers = self._method_table()

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/{tail:.*}", self._handle_not_found)
        self._closing = False
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """End pending long polls and stop serving."""
        self._closing = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The base_url to give python-telegram-bot, which appends the token."""
        return f"{self._origin()}/bot"

    @property
    def base_file_url(self) -> str:
        """The base_file_url to give python-telegram-bot."""
        return f"{self._origin()}/file/bot"

    def _origin(self) -> str:
        """Return the server's origin; fails before start()."""
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://127.0.0.1:{self._port}"

    # --- the world ----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        language_code: str | None = "zh-hans",
        username: str | None = None,
    ) -> JSONDict:
        """Create a user and the private chat with the bot (chat id == user id)."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        self._chats[user_id] = _Chat(
            user_id,
            "private",
            first_name=first_name,
            username=username,
            members={user_id: "member", self.bot_id: "member"},
        )
        return user

    def add_group(
        self, chat_id: int, title: str, members: Iterable[int] = (), admins: Iterable[int] = ()
    ) -> JSONDict:
        """Create a group with the bot in it; ids from -1000000000000 down make it a supergroup."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat_type = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
        chat = _Chat(chat_id, chat_type, title=title, members={self.bot_id: "member"})
        for user_id, status in [(u, "member") for u in members] + [(u, "administrator") for u in admins]:
            self._user(user_id)
            chat.members[user_id] = status
        self._chats[chat_id] = chat
        return chat.as_json()

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Set a member's status (creator/administrator/member/left/kicked); user_id may be bot_id."""
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(_MEMBER_STATUSES)}")
        self._chat(chat_id).members[user_id] = status

    def block(self, user_id: int) -> None:
        """Make the user block the bot, silently; sends to them then fail with 403."""
        self.set_member_status(user_id, self.bot_id, "kicked")

    def unblock(self, user_id: int) -> None:
        """Undo block()."""
        self.set_member_status(user_id, self.bot_id, "member")

    def inject_error(
        self,
        method: str,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `times` calls of method (to chat_id, if given) fail this way."""
        if error_code == 429:
            retry_after = retry_after or 1
            description = description or f"Too Many Requests: retry after {retry_after}"
        if description is None:
            raise ValueError("description is required unless error_code is 429")
        parameters = None if retry_after is None else {"retry_after": retry_after}
        error = TelegramApiError(error_code, description, parameters)
        self._injected.append(_InjectedError(method.lower(), error, times, chat_id))

    # --- what users do ------------------------------------------------------------------------

    async def user_sends(
        self, user_id: int, text: str, chat_id: int | None = None, reply_to: int | None = None
    ) -> JSONDict | None:
        """Post a text as the user; returns the Message, or None when privacy mode hides it from the bot."""
        user = self._user(user_id)
        chat = self._chat(user_id if chat_id is None else chat_id)
        self._require_member(chat, user_id)
        replied = None
        if reply_to is not None:
            if reply_to not in chat.messages:
                raise ValueError(f"no message {reply_to} in chat {chat.id}")
            replied = self._as_reply(chat.messages[reply_to])
        command = _COMMAND_RE.match(text)
        entities = (
            [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}] if command else []
        )
        message = self._new_message(chat, user, text=text, entities=entities, reply_to_message=replied)
        if not self._bot_sees(chat, message):
            return None
        await self._enqueue("message", message)
        return message

    async def user_joins(self, user_id: int, chat_id: int) -> JSONDict:
        """Add the user to a group and deliver the new_chat_members service message."""
        self._chat(chat_id).members[user_id] = "member"
        return await self._service_message(user_id, chat_id, new_chat_members=[self._user(user_id)])

    async def user_leaves(self, user_id: int, chat_id: int) -> JSONDict:
        """Remove the user from a group and deliver the left_chat_member service message."""
        self._chat(chat_id).members[user_id] = "left"
        return await self._service_message(user_id, chat_id, left_chat_member=self._user(user_id))

    async def _service_message(self, user_id: int, chat_id: int, **content: Any) -> JSONDict:
        """Post a service message, which privacy mode always lets through."""
        chat = self._chat(chat_id)
        message = self._new_message(chat, self._user(user_id), **content)
        if self._bot_sees(chat, message):
            await self._enqueue("message", message)
        return message

    async def user_presses(self, user_id: int, chat_id: int, message_id: int, callback_data: str) -> str:
        """Press the inline button carrying callback_data; returns the callback query id."""
        user = self._user(user_id)
        chat = self._chat(chat_id)
        self._require_member(chat, user_id)
        message = chat.messages.get(message_id)
        if message is None or message["from"]["id"] != self.bot_id:
            raise ValueError(f"no bot message {message_id} in chat {chat_id}")
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        offered = [button.get("callback_data") for row in rows for button in row]
        if callback_data not in offered:
            raise ValueError(f"message {message_id} has no button {callback_data!r}; it has {offered}")
        query_id = str(next(self._callback_ids))
        query = {
            "id": query_id,
            "from": user,
            "message": copy.deepcopy(message),
            "chat_instance": str(abs(chat_id) * 7919),
            "data": callback_data,
        }
        self._open_callbacks[query_id] = query
        await self._enqueue("callback_query", query)
        return query_id

    async def chat_member_update(
        self, chat_id: int, user_id: int, old_status: str, new_status: str
    ) -> JSONDict:
        """Change the bot's status in a chat as done by user_id (member->kicked in private = block)."""
        user = self._user(user_id)
        self.set_member_status(chat_id, self.bot_id, new_status)
        update = {
            "chat": self._chat(chat_id).as_json(),
            "from": user,
            "date": self._timestamp(),
            "old_chat_member": _member_json(self.bot_user, old_status),
            "new_chat_member": _member_json(self.bot_user, new_status),
        }
        await self._enqueue("my_chat_member", update)
        return update

    # --- inspection ---------------------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """List messages the bot sent, oldest first, optionally in one chat."""
        if chat_id is None:
            return list(self._sent)
        return [record for record in self._sent if record.chat_id == chat_id]

    @contextmanager
    def listening(self, listener: Callable[[SentMessage], None]) -> Iterator[None]:
        """Call listener with each message the bot sends while the block runs, as soon as it is stored.

        For callers tracking many chats at once, which wait_for_sent would make re-scan sent() on every call.
        """
        self._listeners.append(listener)
        try:
            yield
        finally:
            self._listeners.remove(listener)

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """List every API call, optionally of one method (case-insensitive)."""
        return [call for call in self._calls if method is None or call.method.lower() == method.lower()]

    @property
    def answered_callbacks(self) -> list[JSONDict]:
        """List answerCallbackQuery calls that succeeded, with their parameters."""
        return list(self._answered)

    @property
    def pending_updates(self) -> list[JSONDict]:
        """List updates not yet confirmed by the bot."""
        return list(self._updates)

    @property
    def waiting_polls(self) -> int:
        """Count getUpdates requests blocked in long polling."""
        return self._waiting_polls

    def commands(self, scope: JSONDict | None = None, language_code: str | None = None) -> list[JSONDict]:
        """Return the commands set for a scope (default scope if None) and language."""
        return list(self._commands.get(self._commands_key(scope, language_code), []))

    # --- waiting ------------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until predicate() holds, re-checking whenever the bot calls the API or updates move."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
            except TimeoutError:
                recent = [f"{c.method}:{'ok' if c.ok else c.description}" for c in self._calls[-10:]]
                raise TimeoutError(f"condition not met within {timeout}s; last calls: {recent}") from None

    async def wait_for_sent(
        self,
        count: int,
        chat_id: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait until the bot has sent at least count messages (to chat_id, if given) and return them."""
        await self.wait_for(lambda: len(self.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)

    async def wait_until_idle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every queued update is confirmed and only long polls are in flight.

        A handler the bot is still running but that has not called the API yet is not seen.
        """
        await self.wait_for(lambda: not self._updates and self._in_flight == self._waiting_polls, timeout)

    # --- HTTP plumbing ------------------------------------------------------------------------

    async def _handle_not_found(self, request: web.Request) -> web.Response:
        """Answer any other path, /file/bot... included, with Telegram's 404."""
        return web.json_response(TelegramApiError(404, "Not Found").envelope(), status=404)

    async def _handle_api(self, request: web.Request) -> web.Response:
        """Serve /bot<TOKEN>/<method>, tracking requests in flight."""
        self._in_flight += 1
        try:
            return await self._answer(request)
        finally:
            self._in_flight -= 1
            await self._notify()

    async def _answer(self, request: web.Request) -> web.Response:
        """Decode, log, dispatch and wrap the result in Telegram's envelope."""
        entry = self._handlers.get(request.match_info["method"].lower())
        name = entry[0] if entry else request.match_info["method"]
        try:
            params, files = await _read_params(request)
        except ValueError:
            params, files = {}, {}
        call = ApiCall(name, params, files)
        self._calls.append(call)
        try:
            if request.match_info["token"] != self.token:
                raise TelegramApiError(401, "Unauthorized")
            if entry is None:
                raise TelegramApiError(404, "Not Found")
            self._raise_injected(name, params)
            call.result = await entry[1](params, files)
        except TelegramApiError as error:
            call.ok, call.error_code, call.description = False, error.error_code, error.description
            return web.json_response(error.envelope(), status=error.error_code)
        return web.json_response({"ok": True, "result": call.result})

    def _raise_injected(self, method: str, params: JSONDict) -> None:
        """Fail the call if a test injected an error for it."""
        for rule in self._injected:
            wanted_chat = rule.chat_id is None or self._chat_id_param(params) == rule.chat_id
            if rule.remaining > 0 and rule.method == method.lower() and wanted_chat:
                rule.remaining -= 1
                raise rule.error

    async def _notify(self) -> None:
        """Wake everything waiting on the state of the server."""
        async with self._changed:
            self._changed.notify_all()

    async def _enqueue(self, kind: str, payload: JSONDict) -> None:
        """Queue an update unless allowed_updates excludes its type."""
        allowed = kind in self._allowed_updates if self._allowed_updates else kind not in _OPT_IN_UPDATES
        if allowed:
            self._updates.append({"update_id": next(self._update_ids), kind: payload})
            await self._notify()

    def _method_table(self) -> dict[str, tuple[str, _Handler]]:
        """Map lower-cased method names to their canonical name and handler."""
        handlers: dict[str, _Handler] = {
            "getMe": self._get_me,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": self._always_true,
            "logOut": self._always_true,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "sendChatAction": self._send_chat_action,
        }
        return {name.lower(): (name, handler) for name, handler in handlers.items()}

    # --- helpers ------------------------------------------------------------------------------

    def _timestamp(self) -> int:
        """Return the injected clock's time as a Unix timestamp."""
        return int(self._clock().timestamp())

    def _user(self, user_id: int) -> JSONDict:
        """Look up a user a test created."""
        if user_id not in self._users:
            raise ValueError(f"unknown user {user_id}: call add_user() first")
        return self._users[user_id]

    def _chat(self, chat_id: int) -> _Chat:
        """Look up a chat a test created."""
        if chat_id not in self._chats:
            raise ValueError(f"unknown chat {chat_id}: call add_user() or add_group() first")
        return self._chats[chat_id]

    def _require_member(self, chat: _Chat, user_id: int) -> None:
        """Refuse test actions by users who are not in the chat."""
        if chat.members.get(user_id) not in _ACTIVE_STATUSES:
            raise ValueError(f"user {user_id} is not a member of chat {chat.id}")

    def _chat_id_param(self, params: JSONDict) -> int | None:
        """Read chat_id as an int, or None."""
        try:
            return int(params.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None

    def _chat_from(self, params: JSONDict) -> _Chat:
        """Resolve chat_id to a chat the test created."""
        if params.get("chat_id") in (None, ""):
            raise _bad_request("chat_id is empty")
        chat = self._chats.get(self._chat_id_param(params) or 0)
        if chat is None:
            raise _bad_request("chat not found")
        return chat

    def _sendable_chat(self, params: JSONDict) -> _Chat:
        """Resolve chat_id and refuse chats the bot may not write to."""
        chat = self._chat_from(params)
        status = chat.members.get(self.bot_id, "member")
        if chat.type == "private" and status == "kicked":
            raise _forbidden("bot was blocked by the user")
        if status == "kicked":
            raise _forbidden(f"bot was kicked from the {chat.type} chat")
        if status == "left":
            raise _forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    def _formatted(self, params: JSONDict, key: str, entities_key: str) -> tuple[str, list[JSONDict]]:
        """Return visible text and entities of a text or caption, honouring parse_mode."""
        raw = params.get(key)
        source = "" if raw is None else str(raw)
        parse_mode = str(params.get("parse_mode") or "")
        if parse_mode.lower() == "html":
            try:
                return parse_html(source)
            except HtmlParseError as error:
                raise _bad_request(f"can't parse entities: {error}") from None
        if parse_mode.lower() in ("markdown", "markdownv2"):
            return source, []
        if parse_mode:
            raise _bad_request(f"unsupported parse_mode {parse_mode}")
        return source, list(params.get(entities_key) or [])

    def _reply_target(self, chat: _Chat, params: JSONDict) -> JSONDict | None:
        """Resolve reply_parameters or reply_to_message_id to the replied-to message."""
        reply = params.get("reply_parameters")
        options = reply if isinstance(reply, dict) else params
        message_id = _integer(options, "message_id" if options is reply else "reply_to_message_id")
        if message_id is None:
            return None
        if message_id in chat.messages:
            return self._as_reply(chat.messages[message_id])
        if options.get("allow_sending_without_reply") or params.get("allow_sending_without_reply"):
            return None
        raise _bad_request("message to be replied not found")

    @staticmethod
    def _as_reply(message: JSONDict) -> JSONDict:
        """Copy a message for reply_to_message, which Telegram does not nest further."""
        replied = copy.deepcopy(message)
        replied.pop("reply_to_message", None)
        return replied

    def _new_message(self, chat: _Chat, sender: JSONDict, **content: Any) -> JSONDict:
        """Store a new message in the chat with the next message id."""
        chat.last_message_id += 1
        message: JSONDict = {
            "message_id": chat.last_message_id,
            "from": sender,
            "chat": chat.as_json(),
            "date": self._timestamp(),
        }
        message.update({key: value for key, value in content.items() if value not in (None, [], "")})
        chat.messages[chat.last_message_id] = message
        return message

    def _bot_sees(self, chat: _Chat, message: JSONDict) -> bool:
        """Apply group privacy mode: what a bot that is not an admin receives from a group."""
        if chat.type == "private":
            return True
        status = chat.members.get(self.bot_id)
        if status not in _ACTIVE_STATUSES:
            return False
        if not self.privacy_mode or status != "member" or any(key in message for key in _SERVICE_KEYS):
            return True
        replied = message.get("reply_to_message")
        if replied and replied["from"]["id"] == self.bot_id:
            return True
        command = _COMMAND_RE.match(message.get("text", ""))
        return (
            command is not None
            and (command.group(1) or self.bot_username).lower() == self.bot_username.lower()
        )

    def _check_rate(self, chat: _Chat) -> None:
        """Answer 429 when rate limiting is on and a sliding window is full."""
        if not self.rate_limit:
            return
        now = self._clock().timestamp()
        windows = [(self._global_sends, GLOBAL_RATE_LIMIT)]
        if chat.type in _GROUP_TYPES:
            windows.append((self._group_sends.setdefault(chat.id, deque()), GROUP_RATE_LIMIT))
        for sends, (limit, period) in windows:
            while sends and sends[0] <= now - period:
                sends.popleft()
            if len(sends) >= limit:
                raise _too_many_requests(max(1, math.ceil(sends[0] + period - now)))

    def _note_sent(self, chat: _Chat) -> None:
        """Count an accepted message against the rate limits."""
        now = self._clock().timestamp()
        self._global_sends.append(now)
        if chat.type in _GROUP_TYPES:
            self._group_sends.setdefault(chat.id, deque()).append(now)

    def _deliver(
        self, chat: _Chat, method: str, params: JSONDict, content: JSONDict, photo: bytes | None = None
    ) -> JSONDict:
        """Store a message the bot sends and record it for sent()."""
        markup = _check_markup(params.get("reply_markup"))
        replied = self._reply_target(chat, params)
        self._check_rate(chat)
        message = self._new_message(
            chat, self.bot_user, **content, reply_markup=_inline_only(markup), reply_to_message=replied
        )
        self._note_sent(chat)
        text_key = "caption" if photo is not None else "text"
        record = SentMessage(
            chat_id=chat.id,
            message_id=message["message_id"],
            method=method,
            text=content.get(text_key) or None,
            source=params.get(text_key),
            parse_mode=params.get("parse_mode"),
            entities=content.get(f"{text_key}_entities" if photo is not None else "entities", []),
            reply_markup=markup,
            photo=photo,
            reply_to_message_id=replied and replied["message_id"],
            disable_notification=bool(params.get("disable_notification")),
            params=params,
            message=message,
        )
        self._sent.append(record)
        for listener in self._listeners:
            listener(record)
        return message

    def _photo_bytes(self, params: JSONDict, files: Files) -> tuple[bytes, str]:
        """Resolve the photo parameter (an upload or a known file_id) to bytes and a file_id."""
        photo = params.get("photo")
        if "photo" in files:
            data = files["photo"]
        elif isinstance(photo, str) and photo in self._files:
            return self._files[photo], photo
        elif photo is None:
            raise _bad_request("there is no photo in the request")
        else:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        if not data.startswith(_IMAGE_MAGIC):
            raise _bad_request("IMAGE_PROCESS_FAILED")
        file_id = f"AgACAgFake{len(self._files) + 1:06d}"
        self._files[file_id] = data
        return data, file_id

    def _message_to_edit(self, params: JSONDict) -> tuple[_Chat, JSONDict]:
        """Find the bot message an edit refers to."""
        if params.get("inline_message_id"):
            raise _bad_request("message to edit not found")
        chat = self._chat_from(params)
        message_id = _integer(params, "message_id")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise _bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise _bad_request("message can't be edited")
        return chat, message

    def _apply_edit(self, chat: _Chat, message: JSONDict, params: JSONDict, content: JSONDict) -> JSONDict:
        """Edit a message in place; refuses an edit that changes nothing."""
        markup = _check_markup(params.get("reply_markup"))
        # Without reply_markup an edit removes the inline keyboard, as in Telegram.
        inline = _inline_only(markup)
        current = {key: message.get(key, [] if key == "entities" else None) for key in content}
        if current == content and message.get("reply_markup") == inline:
            raise _bad_request(NOT_MODIFIED)
        for key, value in [*content.items(), ("reply_markup", inline)]:
            if value in (None, []):
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = self._timestamp()
        record = next(r for r in self._sent if r.chat_id == chat.id and r.message_id == message["message_id"])
        if "text" in content:
            record.text, record.entities = content["text"], content["entities"]
            record.source, record.parse_mode = params.get("text"), params.get("parse_mode")
        record.reply_markup = markup
        record.edit_count += 1
        return message

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        """Key stored commands by normalized scope JSON and language code."""
        return json.dumps(scope or {"type": "default"}, sort_keys=True), str(language_code or "")

    # --- API methods --------------------------------------------------------------------------

    async def _get_me(self, params: JSONDict, files: Files) -> JSONDict:
        """Describe the bot."""
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _always_true(self, params: JSONDict, files: Files) -> bool:
        """Accept close and logOut."""
        return True

    async def _delete_webhook(self, params: JSONDict, files: Files) -> bool:
        """Accept deleteWebhook, dropping queued updates if asked."""
        if params.get("drop_pending_updates") in (True, "true", "True", 1):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict, files: Files) -> JSONDict:
        """Report that no webhook is set."""
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _get_updates(self, params: JSONDict, files: Files) -> list[JSONDict]:
        """Confirm updates below offset, then return queued ones, long polling up to timeout."""
        offset = _integer(params, "offset") or 0
        if offset > 0:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        limit = min(max(_integer(params, "limit") or 100, 1), 100)
        timeout = max(_number(params, "timeout") or 0.0, 0.0)
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = list(params["allowed_updates"])
        # A newer getUpdates ends an older one still waiting, like Telegram's 409 Conflict.
        self._poll_generation += 1
        generation = self._poll_generation
        await self._notify()
        if timeout and not self._updates:
            await self._long_poll(generation, timeout)
        return self._updates[:limit]

    async def _long_poll(self, generation: int, seconds: float) -> None:
        """Wait until an update is queued, the server stops, or timeout passes."""
        async with self._changed:
            self._waiting_polls += 1
            self._changed.notify_all()
            try:
                async with asyncio.timeout(seconds):
                    await self._changed.wait_for(
                        lambda: bool(self._updates) or self._closing or self._poll_generation != generation
                    )
            except TimeoutError:
                pass
            finally:
                self._waiting_polls -= 1
        if self._poll_generation != generation:
            raise TelegramApiError(409, POLL_CONFLICT)

    async def _send_message(self, params: JSONDict, files: Files) -> JSONDict:
        """Send a text message."""
        chat = self._sendable_chat(params)
        text, entities = self._formatted(params, "text", "entities")
        _check_text(text)
        return self._deliver(chat, "sendMessage", params, {"text": text, "entities": entities})

    async def _send_photo(self, params: JSONDict, files: Files) -> JSONDict:
        """Send a photo with an optional caption."""
        chat = self._sendable_chat(params)
        data, file_id = self._photo_bytes(params, files)
        caption, entities = self._formatted(params, "caption", "caption_entities")
        if utf16_len(caption) > MAX_CAPTION_LENGTH:
            raise _bad_request("message caption is too long")
        width, height = _png_size(data)
        size = {
            "file_id": file_id,
            "file_unique_id": f"AQAD{file_id[-6:]}",
            "width": width,
            "height": height,
            "file_size": len(data),
        }
        content = {"photo": [size], "caption": caption, "caption_entities": entities}
        return self._deliver(chat, "sendPhoto", params, content, photo=data)

    async def _edit_message_text(self, params: JSONDict, files: Files) -> JSONDict:
        """Edit the text (and inline keyboard) of a bot message."""
        chat, message = self._message_to_edit(params)
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        text, entities = self._formatted(params, "text", "entities")
        _check_text(text)
        return self._apply_edit(chat, message, params, {"text": text, "entities": entities})

    async def _edit_message_reply_markup(self, params: JSONDict, files: Files) -> JSONDict:
        """Edit only the inline keyboard of a bot message."""
        chat, message = self._message_to_edit(params)
        return self._apply_edit(chat, message, params, {})

    async def _answer_callback_query(self, params: JSONDict, files: Files) -> bool:
        """Answer a callback query once."""
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise _bad_request(QUERY_TOO_OLD)
        del self._open_callbacks[query_id]
        keys = ("text", "show_alert", "url", "cache_time")
        self._answered.append({"callback_query_id": query_id, **{k: params[k] for k in keys if k in params}})
        return True

    async def _set_my_commands(self, params: JSONDict, files: Files) -> bool:
        """Store commands for a scope and language."""
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not _BOT_COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        stored = [{"command": c["command"], "description": c["description"]} for c in commands]
        self._commands[self._commands_key(params.get("scope"), params.get("language_code"))] = stored
        return True

    async def _get_my_commands(self, params: JSONDict, files: Files) -> list[JSONDict]:
        """Return commands for exactly this scope and language."""
        return self.commands(params.get("scope"), params.get("language_code"))

    async def _delete_my_commands(self, params: JSONDict, files: Files) -> bool:
        """Forget commands for a scope and language."""
        self._commands.pop(self._commands_key(params.get("scope"), params.get("language_code")), None)
        return True

    async def _get_chat(self, params: JSONDict, files: Files) -> JSONDict:
        """Describe a chat as ChatFullInfo."""
        return {
            **self._chat_from(params).as_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(_GIFT_TYPES, False),
        }

    async def _get_chat_member(self, params: JSONDict, files: Files) -> JSONDict:
        """Describe a user's membership in a chat."""
        chat = self._chat_from(params)
        user_id = _integer(params, "user_id")
        user = self.bot_user if user_id == self.bot_id else self._users.get(user_id or 0)
        if user is None:
            raise _bad_request("user not found")
        return _member_json(user, chat.members.get(user["id"], "left"))

    async def _send_chat_action(self, params: JSONDict, files: Files) -> bool:
        """Accept a known chat action."""
        self._sendable_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True
