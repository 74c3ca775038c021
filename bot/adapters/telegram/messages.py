"""Telegram's message limits: text length, callback data, and how our buttons are encoded."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_BYTES = 64

_CALLBACK_RE = re.compile(
    r"^(?:(?P<action>[hs]):(?P<question>\d{1,12})|(?P<next>n)|t:(?P<topic>[0-9a-f]{12}))$"
)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MAX_TEXT_UTF16) -> list[str]:
    """Split at line boundaries into parts Telegram accepts; cut overlong lines outside tags and entities."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _cut_line(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if utf16_length(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current or not parts:
        parts.append(current)
    return [part for part in parts if part.strip()] or [text[:limit]]


def _cut_line(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    while utf16_length(line) > limit:
        cut = _safe_cut(line, limit)
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def _safe_cut(line: str, limit: int) -> int:
    """The last position within `limit` units that is not inside an HTML tag or character entity."""
    cut = limit
    while utf16_length(line[:cut]) > limit:
        cut -= 1
    opening = max(line.rfind("<", 0, cut), line.rfind("&", 0, cut))
    if opening != -1 and line.find(">" if line[opening] == "<" else ";", opening, cut) == -1:
        cut = opening
    return max(cut, 1)


def topic_token(topic: str) -> str:
    """A short, stable stand-in for a topic name, which may be too long for callback data."""
    return hashlib.sha1(topic.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Callback:
    """A decoded button press."""

    action: str
    question_id: int | None = None
    topic_token: str | None = None


def hint_data(question_id: int) -> str:
    """Callback data of the Hint button."""
    return f"h:{question_id}"


def skip_data(question_id: int) -> str:
    """Callback data of the Skip button."""
    return f"s:{question_id}"


NEXT_DATA = "n"


def topic_data(topic: str) -> str:
    """Callback data of a "practise this topic" button."""
    return f"t:{topic_token(topic)}"


def parse_callback(data: str | None) -> Callback | None:
    """Decode callback data, rejecting anything our buttons never send."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    match = _CALLBACK_RE.match(data)
    if match is None:
        return None
    if match["action"]:
        return Callback("hint" if match["action"] == "h" else "skip", question_id=int(match["question"]))
    if match["next"]:
        return Callback("next")
    return Callback("topic", topic_token=match["topic"])
