"""Grade a free-text answer against a keyword rubric."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.normalize import CLAUSE_BREAK, is_ascii_word_char, normalize, normalize_term
from bot.core.rubric import KeyPoint, Rubric

HINT_PENALTY = 20
MAX_SCORE = 100

# How far back, in CJK characters or ASCII words, a negation still governs a key point.
NEGATION_WINDOW_UNITS = 6

# Compounds that start like a negation but do not negate (不同 "different", 不仅 "not only"...).
_NEGATION_RE = re.compile(
    r"不(?!同|断|仅|但|少|管|论|得不|久|过|错|只|止|一样|变)"
    r"|没|未(?!来|知)|无法|无需|无须|无(?!论|穷|关|偏|监督|限|损)|并非|非(?!常|但|线性|零|负)|勿"
    r"|(?<![a-z])(?:not(?! ?only)|no(?! ?matter)|never|cannot|cant|dont|doesnt|didnt|wont|isnt|arent"
    r"|wasnt|werent|without|neither|nor|hardly|fails? to)(?![a-z])"
)
_UNIT_RE = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")
_ENGLISH_SUFFIX = "(?:s|es|d|ed|ing)?"


@dataclass(frozen=True, slots=True)
class GradeResult:
    """How an answer fared against a rubric; the three point lists are disjoint."""

    score: int
    passed: bool
    matched: tuple[KeyPoint, ...]
    missed: tuple[KeyPoint, ...]
    negated: tuple[KeyPoint, ...]
    raw_score: int

    @property
    def unmet(self) -> tuple[KeyPoint, ...]:
        """Points the answer did not earn: negated first, since they are the likelier misconception."""
        return self.negated + self.missed


@lru_cache(maxsize=16384)
def term_pattern(term: str) -> re.Pattern[str]:
    """Compile a term so spacing inside it is optional and ASCII words keep their boundaries."""
    chars = [char for char in normalize_term(term) if char != " "]
    body = " ?".join(re.escape(char) for char in chars)
    prefix = "(?<![a-z0-9])" if chars and is_ascii_word_char(chars[0]) else ""
    suffix = ""
    if chars and is_ascii_word_char(chars[-1]):
        suffix = "(?![0-9])" if chars[-1].isdigit() else _ENGLISH_SUFFIX + "(?![a-z])"
    return re.compile(prefix + body + suffix)


def is_negated(text: str, start: int) -> bool:
    """Tell whether a negation word precedes position `start` closely, within the same clause."""
    clause_start = text.rfind(CLAUSE_BREAK, 0, start) + 1
    units = list(_UNIT_RE.finditer(text, clause_start, start))
    if not units:
        return False
    window_start = units[-NEGATION_WINDOW_UNITS:][0].start()
    return _NEGATION_RE.search(text, window_start, start) is not None


def find_point(text: str, point: KeyPoint) -> bool | None:
    """Return True if the point is made, False if it is only mentioned negated, None if absent."""
    mentioned = False
    for term in point.terms:
        for match in term_pattern(term).finditer(text):
            if not is_negated(text, match.start()):
                return True
            mentioned = True
    return False if mentioned else None


def grade(answer: str, rubric: Rubric, pass_score: int = 60, hints_used: int = 0) -> GradeResult:
    """Score an answer 0-100 as the weighted share of key points it makes."""
    text = normalize(answer)
    matched: list[KeyPoint] = []
    missed: list[KeyPoint] = []
    negated: list[KeyPoint] = []
    for point in rubric.points:
        found = find_point(text, point)
        if found:
            matched.append(point)
        elif found is None:
            missed.append(point)
        else:
            negated.append(point)
    total = rubric.total_weight
    earned = sum(point.weight for point in matched)
    raw_score = _round_half_up(MAX_SCORE * earned / total) if total else 0
    score = min(raw_score, hint_cap(hints_used))
    if any(point.required for point in (*missed, *negated)):
        score = min(score, max(0, pass_score - 1))
    return GradeResult(
        score=score,
        passed=score >= pass_score,
        matched=tuple(matched),
        missed=tuple(missed),
        negated=tuple(negated),
        raw_score=raw_score,
    )


def hint_cap(hints_used: int) -> int:
    """The best score still possible after taking hints."""
    return max(0, MAX_SCORE - HINT_PENALTY * hints_used)


def _round_half_up(value: float) -> int:
    return int(value + 0.5)
