"""Parse the /addq command: one line split by `|`, or one `field:` per line."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.core.question import MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH, QuestionDraft, validate_topic
from bot.core.rubric import KeyPoint, Rubric, RubricError, validate_rubric

MAX_KEY_POINTS = 8
ADDED_SOURCE = "chat"

_POINT_SEPARATORS = re.compile(r"[,，;；、\n]")
_FIELD_LINE = re.compile(
    r"^\s*(topic|主题|q|question|问题|keys|要点|answer|a|答案|参考答案)\s*[:：]\s*(.*)$", re.I
)
_FIELD_NAMES = {
    "topic": "topic",
    "主题": "topic",
    "q": "question",
    "question": "question",
    "问题": "question",
    "keys": "keys",
    "要点": "keys",
    "answer": "answer",
    "a": "answer",
    "答案": "answer",
    "参考答案": "answer",
}


class AddqFormatError(ValueError):
    """The /addq text does not have the expected shape; the message says which part is wrong."""


@dataclass(frozen=True, slots=True)
class _Fields:
    topic: str
    question: str
    keys: str
    answer: str


def parse_addq(text: str) -> QuestionDraft:
    """Turn the text after /addq into a draft, or raise AddqFormatError."""
    text = text.strip()
    if not text:
        raise AddqFormatError("empty")
    fields = _multiline_fields(text) if _FIELD_LINE.match(text.splitlines()[0]) else _one_line_fields(text)
    try:
        topic = validate_topic(fields.topic)
    except RubricError as error:
        raise AddqFormatError("topic is missing or too long") from error
    question = " ".join(fields.question.split())
    if not question:
        raise AddqFormatError("question is missing")
    if len(question) > MAX_QUESTION_LENGTH or len(fields.answer) > MAX_ANSWER_LENGTH:
        raise AddqFormatError("question or answer is too long")
    rubric = _parse_key_points(fields.keys)
    digest = hashlib.sha1(f"{topic}\n{question}".encode()).hexdigest()[:12]
    return QuestionDraft(
        key=f"chat-{digest}",
        topic=topic,
        text=question,
        rubric=rubric,
        answer=fields.answer.strip(),
        difficulty=2,
        source=ADDED_SOURCE,
    )


def _one_line_fields(text: str) -> _Fields:
    sections = [section.strip() for section in text.split("|")]
    if len(sections) not in (3, 4):
        raise AddqFormatError("expected 3 or 4 sections separated by |")
    topic, question, keys = sections[:3]
    return _Fields(topic, question, keys, sections[3] if len(sections) == 4 else "")


def _multiline_fields(text: str) -> _Fields:
    values: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        match = _FIELD_LINE.match(line)
        if match:
            current = _FIELD_NAMES[match.group(1).lower()]
            if current in values:
                raise AddqFormatError(f"field {current} appears twice")
            values[current] = [match.group(2)]
        elif current is not None:
            values[current].append(line)
    joined = {name: "\n".join(lines).strip() for name, lines in values.items()}
    return _Fields(
        joined.get("topic", ""), joined.get("question", ""), joined.get("keys", ""), joined.get("answer", "")
    )


def _parse_key_points(keys: str) -> Rubric:
    points: list[KeyPoint] = []
    for chunk in _POINT_SEPARATORS.split(keys):
        terms = [term.strip() for term in chunk.split("/") if term.strip()]
        if terms:
            points.append(KeyPoint(label=terms[0], aliases=tuple(terms[1:])))
    if not points:
        raise AddqFormatError("at least one key point is needed")
    if len(points) > MAX_KEY_POINTS:
        raise AddqFormatError(f"at most {MAX_KEY_POINTS} key points")
    rubric = Rubric(tuple(points))
    try:
        validate_rubric(rubric)
    except RubricError as error:
        raise AddqFormatError(str(error)) from error
    return rubric
