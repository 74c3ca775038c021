"""Checks that keep a question bank fair: what a test asserts and an author runs before a commit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from bot.core.grading import MAX_SCORE, SearchText, find_point, grade
from bot.core.normalize import normalize
from bot.core.question import QuestionDraft
from bot.core.rubric import term_key, term_parts

NEAR_DUPLICATE_SIMILARITY = 0.6
MIN_QUESTIONS_PER_TOPIC = 8


@dataclass(frozen=True, slots=True)
class LintProblem:
    """One finding, tied to the question key(s) it is about."""

    keys: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return f"{' ~ '.join(self.keys)}: {self.message}"


def _bigrams(text: str) -> frozenset[str]:
    compact = normalize(text).replace(" ", "").replace("\n", "")
    return frozenset(compact[i : i + 2] for i in range(len(compact) - 1)) or frozenset({compact})


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of character bigrams, which suits unsegmented Chinese."""
    a, b = _bigrams(first), _bigrams(second)
    return len(a & b) / len(a | b) if a | b else 1.0


def lint_question(draft: QuestionDraft) -> list[LintProblem]:
    """Problems within one question: its own reference must earn full marks, its aliases be unique."""
    problems: list[LintProblem] = []
    rubric = draft.rubric
    terms = [term for point in (*rubric.points, *rubric.mistakes) for term in (point.label, *point.aliases)]
    counts = Counter(map(term_key, terms))
    # Named as first written, normalised, since spacing is what most often tells repeats apart.
    named = {term_key(term): _readable(term) for term in reversed(terms)}
    repeated = sorted(named[key] for key, count in counts.items() if count > 1)
    if repeated:
        problems.append(LintProblem((draft.key,), f"alias used more than once: {', '.join(repeated)}"))
    if not draft.answer:
        problems.append(LintProblem((draft.key,), "has no reference answer"))
    else:
        result = grade(draft.answer, draft.rubric)
        if result.raw_score != MAX_SCORE:
            faults = [f"misses {point.label}" for point in result.unmet]
            faults += [f"states the mistake {mistake.label}" for mistake in result.mistaken]
            problems.append(
                LintProblem((draft.key,), f"reference answer scores {result.raw_score}: {', '.join(faults)}")
            )
    problems.extend(_terms_stating_mistakes(draft))
    return problems


def _readable(term: str) -> str:
    return "&".join(normalize(part) for part in term_parts(term))


def _terms_stating_mistakes(draft: QuestionDraft) -> list[LintProblem]:
    """Saying a key point in its own words must never count as a mistake."""
    problems = []
    for point in draft.rubric.points:
        for term in point.terms:
            written = SearchText.of(normalize(_readable(term)))
            problems.extend(
                LintProblem(
                    (draft.key,), f"term {term!r} of {point.label} states the mistake {mistake.label}"
                )
                for mistake in draft.rubric.mistakes
                if find_point(written, mistake)
            )
    return problems


def lint_bank(drafts: Sequence[QuestionDraft], min_per_topic: int = 0) -> list[LintProblem]:
    """Problems across a bank: per-question checks, duplicate keys, near-duplicates, thin topics."""
    problems = [problem for draft in drafts for problem in lint_question(draft)]
    for key, count in Counter(draft.key for draft in drafts).items():
        if count > 1:
            problems.append(LintProblem((key,), f"key appears {count} times"))
    for first, second in combinations(drafts, 2):
        score = similarity(first.text, second.text)
        if score >= NEAR_DUPLICATE_SIMILARITY:
            problems.append(LintProblem((first.key, second.key), f"near-duplicate questions ({score:.2f})"))
    if min_per_topic:
        for topic, count in sorted(Counter(draft.topic for draft in drafts).items()):
            if count < min_per_topic:
                problems.append(LintProblem((topic,), f"topic has {count} questions, wants {min_per_topic}"))
    return problems
