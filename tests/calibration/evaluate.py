"""How well the grader agrees with hand grades: `make eval`, or `python -m tests.calibration.evaluate`.

The calibration set (`answers/*.yaml`) holds answers to bank questions, each graded 0-4 by hand as an
interviewer would. A third of it, listed in `heldout.txt`, was drawn at random once and is never used
for tuning; the report gives every figure for the tuned part and the held-out part separately.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import yaml
from scipy.stats import spearmanr

from bot.core.grading import grade
from bot.core.question import QuestionDraft
from bot.services.bank_files import bank_paths, read_bank

HERE = Path(__file__).parent
ANSWERS_DIR = HERE / "answers"
HELDOUT_FILE = HERE / "heldout.txt"
BANK_DIR = HERE.parents[1] / "data" / "questions"
KINDS = frozenset(
    {
        "complete",
        "partial",
        "vague",
        "wrong",
        "negated",
        "english",
        "mixed",
        "paraphrase",
        "padded",
        "keywords",
    }
)
PASS_SCORE = 60
MAX_GRADE = 4
WORST_SHOWN = 10


@dataclass(frozen=True, slots=True)
class GradedAnswer:
    """One answer of the set with its hand grade and the grader's score."""

    id: str
    question: str
    kind: str
    grade: int
    answer: str
    score: int
    heldout: bool

    @property
    def disagreement(self) -> float:
        """How far the score, on the 0-4 scale, lies from the hand grade."""
        return abs(self.score * MAX_GRADE / 100 - self.grade)


@dataclass(frozen=True, slots=True)
class Report:
    """The agreement figures of one part of the set."""

    size: int
    spearman: float
    pairwise: float
    pairs: int
    tied_pairs: int
    zero_passed: int
    four_failed: int
    worst: tuple[GradedAnswer, ...]


def load_entries(directory: Path = ANSWERS_DIR) -> list[dict]:
    """Every hand-graded entry, file by file, checked for shape."""
    entries: list[dict] = []
    for path in sorted(directory.glob("*.yaml")):
        for index, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            where = f"{path.name} entry {index + 1}"
            if not isinstance(entry, dict) or set(entry) != {"id", "question", "kind", "grade", "answer"}:
                raise ValueError(f"{where}: needs exactly id, question, kind, grade and answer")
            if entry["kind"] not in KINDS:
                raise ValueError(f"{where}: unknown kind {entry['kind']!r}")
            if not isinstance(entry["grade"], int) or not 0 <= entry["grade"] <= MAX_GRADE:
                raise ValueError(f"{where}: grade must be an integer 0-4")
            entries.append(entry)
    return entries


def load_heldout(path: Path = HELDOUT_FILE) -> frozenset[str]:
    """The ids of the held-out part."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def bank_questions(directory: Path = BANK_DIR) -> dict[str, QuestionDraft]:
    """Every bundled question, by key."""
    return {draft.key: draft for draft in read_bank(bank_paths([directory]))}


def grade_set(
    entries: Sequence[dict], questions: dict[str, QuestionDraft], heldout: frozenset[str]
) -> list[GradedAnswer]:
    """Run the grader over every entry."""
    return [
        GradedAnswer(
            id=entry["id"],
            question=entry["question"],
            kind=entry["kind"],
            grade=entry["grade"],
            answer=entry["answer"],
            score=_score(entry["answer"], questions[entry["question"]]),
            heldout=entry["id"] in heldout,
        )
        for entry in entries
    ]


def _score(answer: str, question: QuestionDraft) -> int:
    return grade(answer, question.rubric, PASS_SCORE, reference=question.answer).score


def pairwise_accuracy(answers: Sequence[GradedAnswer]) -> tuple[float, int, int]:
    """Share of same-question pairs with different hand grades that the scores order alike.

    A tie in score orders neither way and counts half, as in ROC AUC. Returns the share, the
    number of pairs and the number of tied pairs.
    """
    by_question: dict[str, list[GradedAnswer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question, []).append(answer)
    credit, pairs, tied = 0.0, 0, 0
    for group in by_question.values():
        for first, second in combinations(group, 2):
            if first.grade == second.grade:
                continue
            pairs += 1
            if first.score == second.score:
                tied += 1
                credit += 0.5
            elif (first.score > second.score) == (first.grade > second.grade):
                credit += 1
    return (credit / pairs if pairs else 0.0), pairs, tied


def report(answers: Sequence[GradedAnswer]) -> Report:
    """The figures for one part of the set."""
    correlation = spearmanr([answer.score for answer in answers], [answer.grade for answer in answers])
    pairwise, pairs, tied = pairwise_accuracy(answers)
    return Report(
        size=len(answers),
        spearman=float(correlation.statistic),
        pairwise=pairwise,
        pairs=pairs,
        tied_pairs=tied,
        zero_passed=sum(1 for answer in answers if answer.grade == 0 and answer.score >= PASS_SCORE),
        four_failed=sum(1 for answer in answers if answer.grade == MAX_GRADE and answer.score < PASS_SCORE),
        worst=tuple(sorted(answers, key=lambda answer: (-answer.disagreement, answer.id))[:WORST_SHOWN]),
    )


def evaluate() -> tuple[Report, Report]:
    """Grade the whole set and report the tuned part and the held-out part."""
    answers = grade_set(load_entries(), bank_questions(), load_heldout())
    return report([a for a in answers if not a.heldout]), report([a for a in answers if a.heldout])


def _clip(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def format_report(name: str, figures: Report) -> str:
    """A readable block of figures."""
    lines = [
        f"{name}: {figures.size} answers",
        f"  Spearman (score vs hand grade)      {figures.spearman:.3f}",
        f"  pairwise ordering within questions  {figures.pairwise:.3f}"
        f"  ({figures.pairs} pairs, {figures.tied_pairs} tied, a tie counts half)",
        f"  graded 0 but passed                 {figures.zero_passed}",
        f"  graded 4 but failed                 {figures.four_failed}",
        f"  the {len(figures.worst)} worst disagreements (hand grade, score):",
    ]
    lines += [
        f"    {answer.id:<32} {answer.grade}  {answer.score:>3}  [{answer.kind}] {_clip(answer.answer)}"
        for answer in figures.worst
    ]
    return "\n".join(lines)


def main() -> None:
    """Print the figures for both parts."""
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    tuned, heldout = evaluate()
    print(format_report("tuned", tuned))
    print()
    print(format_report("held-out", heldout))


if __name__ == "__main__":
    main()
