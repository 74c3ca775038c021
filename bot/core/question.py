"""Questions as the domain sees them, and validation of their plain-data form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.rubric import Rubric, RubricError

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
MAX_TOPIC_LENGTH = 40
MAX_QUESTION_LENGTH = 1000
MAX_ANSWER_LENGTH = 3000
DIFFICULTIES = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class QuestionDraft:
    """A question that is not stored yet: what the bank files and /addq produce."""

    key: str
    topic: str
    text: str
    rubric: Rubric
    answer: str = ""
    difficulty: int = 2
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Serialise in the bank-file form, leaving out the topic which the file holds."""
        data: dict[str, Any] = {"key": self.key, "question": self.text, "difficulty": self.difficulty}
        if self.source:
            data["source"] = self.source
        data["answer"] = self.answer
        data["rubric"] = self.rubric.to_list()
        return data


@dataclass(frozen=True, slots=True)
class Question:
    """A stored question."""

    id: int
    key: str
    topic: str
    text: str
    rubric: Rubric
    answer: str
    difficulty: int
    source: str
    active: bool

    def as_draft(self) -> QuestionDraft:
        """Drop the storage identity, e.g. to export it."""
        return QuestionDraft(
            key=self.key,
            topic=self.topic,
            text=self.text,
            rubric=self.rubric,
            answer=self.answer,
            difficulty=self.difficulty,
            source=self.source,
        )


_QUESTION_FIELDS = {"key", "question", "answer", "difficulty", "source", "rubric", "topic"}


def _text_field(data: Mapping[str, Any], name: str, field_path: str, max_length: int, required: bool) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RubricError("must be a string", f"{field_path}.{name}")
    value = value.strip()
    if required and not value:
        raise RubricError("is required", f"{field_path}.{name}")
    if len(value) > max_length:
        raise RubricError(f"is longer than {max_length} characters", f"{field_path}.{name}")
    return value


def validate_topic(topic: Any, field_path: str = "topic") -> str:
    """Return the cleaned topic name or raise naming the field."""
    if not isinstance(topic, str) or not topic.strip():
        raise RubricError("must be a non-empty string", field_path)
    topic = " ".join(topic.split())
    if len(topic) > MAX_TOPIC_LENGTH:
        raise RubricError(f"is longer than {MAX_TOPIC_LENGTH} characters", field_path)
    return topic


def draft_from_dict(data: Any, topic: str, field_path: str) -> QuestionDraft:
    """Build and validate a draft from one bank-file entry."""
    if not isinstance(data, Mapping):
        raise RubricError("must be a mapping", field_path)
    unknown = set(data) - _QUESTION_FIELDS
    if unknown:
        raise RubricError(f"unknown field(s) {', '.join(sorted(map(str, unknown)))}", field_path)
    key = data.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise RubricError("must match [a-z0-9][a-z0-9._-]* (at most 80 characters)", f"{field_path}.key")
    difficulty = data.get("difficulty", 2)
    if isinstance(difficulty, bool) or difficulty not in DIFFICULTIES:
        raise RubricError("must be 1, 2 or 3", f"{field_path}.difficulty")
    if "topic" in data:
        topic = validate_topic(data["topic"], f"{field_path}.topic")
    return QuestionDraft(
        key=key,
        topic=topic,
        text=_text_field(data, "question", field_path, MAX_QUESTION_LENGTH, required=True),
        rubric=Rubric.from_list(data.get("rubric", ()), f"{field_path}.rubric"),
        answer=_text_field(data, "answer", field_path, MAX_ANSWER_LENGTH, required=False),
        difficulty=difficulty,
        source=_text_field(data, "source", field_path, 200, required=False),
    )
