"""Keyword rubrics: the key points an answer should make, each with its aliases."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
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


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """One thing a good answer says; matched when any of its terms appears un-negated."""

    label: str
    aliases: tuple[str, ...] = ()
    weight: float = 1.0
    required: bool = False
    explain: str = ""

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
        return data


@dataclass(frozen=True, slots=True)
class Rubric:
    """The key points of one question."""

    points: tuple[KeyPoint, ...] = field(default_factory=tuple)

    @property
    def total_weight(self) -> float:
        """Sum of the key points' weights."""
        return sum(point.weight for point in self.points)

    def to_list(self) -> list[dict[str, Any]]:
        """Serialise to plain data."""
        return [point.to_dict() for point in self.points]

    @classmethod
    def from_list(cls, items: Iterable[Any], field_path: str = "rubric") -> Rubric:
        """Build and validate a rubric from plain data, naming the field at fault."""
        if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
            raise RubricError("must be a list of key points", field_path)
        points = tuple(
            key_point_from_dict(item, f"{field_path}[{index}]") for index, item in enumerate(items)
        )
        rubric = cls(points)
        validate_rubric(rubric, field_path)
        return rubric


@lru_cache(maxsize=32768)
def _unique_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    unique: list[str] = []
    for term in terms:
        folded = normalize_term(term)
        if folded and folded not in seen:
            seen.add(folded)
            unique.append(term)
    return tuple(unique)


def key_point_from_dict(data: Any, field_path: str) -> KeyPoint:
    """Build one key point from a mapping, or from a bare string that is its own label."""
    if isinstance(data, str):
        data = {"label": data}
    if not isinstance(data, Mapping):
        raise RubricError("must be a mapping with label and aliases", field_path)
    unknown = set(data) - {"label", "aliases", "weight", "required", "explain"}
    if unknown:
        raise RubricError(f"unknown field(s) {', '.join(sorted(unknown))}", field_path)
    label = data.get("label")
    if not isinstance(label, str) or not label.strip():
        raise RubricError("label must be a non-empty string", f"{field_path}.label")
    aliases = data.get("aliases", [])
    if isinstance(aliases, str) or not isinstance(aliases, list):
        raise RubricError("aliases must be a list of strings", f"{field_path}.aliases")
    for index, alias in enumerate(aliases):
        if not isinstance(alias, str) or not normalize_term(alias):
            raise RubricError("alias must be a non-empty string", f"{field_path}.aliases[{index}]")
    weight = data.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 10:
        raise RubricError("weight must be a number in (0, 10]", f"{field_path}.weight")
    required = data.get("required", False)
    if not isinstance(required, bool):
        raise RubricError("required must be true or false", f"{field_path}.required")
    explain = data.get("explain", "")
    if not isinstance(explain, str):
        raise RubricError("explain must be a string", f"{field_path}.explain")
    return KeyPoint(
        label=label.strip(),
        aliases=tuple(alias.strip() for alias in aliases),
        weight=float(weight),
        required=required,
        explain=explain.strip(),
    )


def validate_rubric(rubric: Rubric, field_path: str = "rubric") -> None:
    """Reject rubrics that could not grade anything or whose points cannot be told apart."""
    if not rubric.points:
        raise RubricError("needs at least one key point", field_path)
    labels: set[str] = set()
    for index, point in enumerate(rubric.points):
        if not point.terms:
            raise RubricError("has no matchable text", f"{field_path}[{index}]")
        folded = normalize_term(point.label)
        if folded in labels:
            raise RubricError(f"duplicate key point {point.label!r}", f"{field_path}[{index}].label")
        labels.add(folded)
