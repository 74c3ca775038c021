"""Keyword rubrics: the key points an answer should make, each with its aliases."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from bot.core.normalize import normalize_term


class RubricError(ValueError):
    """A rubric or key point that cannot be graded against, with the offending field."""

    def __init__(self, message: str, field_path: str = "") -> None:
        super().__init__(message)
        self.field_path = field_path

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.field_path}: {message}" if self.field_path else message


# In a term, `&` joins parts that must appear in this order, each close after the one before
# (`梯度&连乘`), so a point can be recognised from a description that never names it.
PART_SEPARATOR = "&"


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """One thing a good answer says, or with `mistake` a wrong claim; made when a term appears un-negated."""

    label: str
    aliases: tuple[str, ...] = ()
    weight: float = 1.0
    required: bool = False
    explain: str = ""
    mistake: bool = False

    @property
    def terms(self) -> tuple[str, ...]:
        """The label and the aliases, without repeats once normalised."""
        return _unique_terms((self.label, *self.aliases))

    def to_dict(self) -> dict[str, Any]:
        """Serialise to plain data, leaving out defaults."""
        data: dict[str, Any] = {"label": self.label, "aliases": list(self.aliases)}
        if self.weight != 1.0:
            data["weight"] = int(self.weight) if float(self.weight).is_integer() else self.weight
        if self.required:
            data["required"] = True
        if self.explain:
            data["explain"] = self.explain
        if self.mistake:
            data["mistake"] = True
        return data


@dataclass(frozen=True, slots=True)
class Rubric:
    """The key points of one question, and the common mistakes that cost an answer points."""

    points: tuple[KeyPoint, ...] = field(default_factory=tuple)
    mistakes: tuple[KeyPoint, ...] = ()

    @property
    def total_weight(self) -> float:
        """Sum of the key points' weights."""
        return sum(point.weight for point in self.points)

    def to_list(self) -> list[dict[str, Any]]:
        """Serialise to plain data: the key points, then the mistakes."""
        return [point.to_dict() for point in (*self.points, *self.mistakes)]

    @classmethod
    def from_list(cls, items: Iterable[Any], field_path: str = "rubric") -> Rubric:
        """Build and validate a rubric from plain data, naming the field at fault."""
        if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
            raise RubricError("must be a list of key points", field_path)
        items = [key_point_from_dict(item, f"{field_path}[{index}]") for index, item in enumerate(items)]
        for index, (before, item) in enumerate(pairwise(items), start=1):
            # Kept in file order, so that an error's index points at the entry in the file.
            if before.mistake and not item.mistake:
                raise RubricError("key points come before mistakes", f"{field_path}[{index}]")
        rubric = cls(
            tuple(item for item in items if not item.mistake), tuple(item for item in items if item.mistake)
        )
        validate_rubric(rubric, field_path)
        return rubric


@lru_cache(maxsize=32768)
def _unique_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    unique: list[str] = []
    for term in terms:
        folded = term_key(term)
        if folded and folded not in seen:
            seen.add(folded)
            unique.append(term)
    return tuple(unique)


def term_parts(term: str) -> tuple[str, ...]:
    """The parts of a term, each to be found in turn; a plain term is one part."""
    return tuple(part.strip() for part in term.split(PART_SEPARATOR))


@lru_cache(maxsize=65536)
def search_keys(term: str) -> tuple[str, ...]:
    """The term's parts as answers are searched for them: normalised, and without spaces, which
    matching ignores."""
    return tuple(normalize_term(part).replace(" ", "") for part in term_parts(term))


def term_key(term: str) -> str:
    """A term's comparable form, empty if any part of it has no matchable text."""
    keys = search_keys(term)
    return PART_SEPARATOR.join(keys) if all(keys) else ""


def key_point_from_dict(data: Any, field_path: str) -> KeyPoint:
    """Build one key point from a mapping, or from a bare string that is its own label."""
    if isinstance(data, str):
        data = {"label": data}
    if not isinstance(data, Mapping):
        raise RubricError("must be a mapping with label and aliases", field_path)
    unknown = set(data) - {"label", "aliases", "weight", "required", "explain", "mistake"}
    if unknown:
        raise RubricError(f"unknown field(s) {', '.join(sorted(unknown))}", field_path)
    label = data.get("label")
    if not isinstance(label, str) or not label.strip():
        raise RubricError("label must be a non-empty string", f"{field_path}.label")
    aliases = data.get("aliases", [])
    if isinstance(aliases, str) or not isinstance(aliases, list):
        raise RubricError("aliases must be a list of strings", f"{field_path}.aliases")
    for index, alias in enumerate(aliases):
        if not isinstance(alias, str) or not term_key(alias):
            raise RubricError(
                "alias must be a non-empty string, with text on both sides of each &",
                f"{field_path}.aliases[{index}]",
            )
    weight = data.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 10:
        raise RubricError("weight must be a number in (0, 10]", f"{field_path}.weight")
    required = data.get("required", False)
    if not isinstance(required, bool):
        raise RubricError("required must be true or false", f"{field_path}.required")
    explain = data.get("explain", "")
    if not isinstance(explain, str):
        raise RubricError("explain must be a string", f"{field_path}.explain")
    mistake = data.get("mistake", False)
    if not isinstance(mistake, bool):
        raise RubricError("mistake must be true or false", f"{field_path}.mistake")
    if mistake and required:
        raise RubricError("a mistake cannot be required", f"{field_path}.required")
    return KeyPoint(
        label=label.strip(),
        aliases=tuple(alias.strip() for alias in aliases),
        weight=float(weight),
        required=required,
        explain=explain.strip(),
        mistake=mistake,
    )


def validate_rubric(rubric: Rubric, field_path: str = "rubric") -> None:
    """Reject rubrics that could not grade anything or whose points cannot be told apart."""
    if not rubric.points:
        raise RubricError("needs at least one key point", field_path)
    labels: set[str] = set()
    for index, point in enumerate((*rubric.points, *rubric.mistakes)):
        if not point.terms:
            raise RubricError("has no matchable text", f"{field_path}[{index}]")
        folded = term_key(point.label)
        if folded in labels:
            raise RubricError(f"duplicate key point {point.label!r}", f"{field_path}[{index}].label")
        labels.add(folded)
