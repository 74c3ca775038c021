"""The bundled question bank: it loads, it is fair to its own answers, and the seed page is in it."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.core.bank_lint import MIN_QUESTIONS_PER_TOPIC, lint_bank
from bot.core.grading import grade
from bot.core.question import QuestionDraft
from bot.services.bank_files import BUNDLED_BANK_DIR, bank_paths, read_bank, read_bank_file

SEED_KEYS = {
    "norm-bn-purpose",
    "norm-why-normalize",
    "norm-four-methods",
    "norm-bn-gamma-beta",
    "opt-vanishing-exploding-causes",
    "opt-vanishing-exploding-remedies",
    "opt-gd-variants",
    "opt-weight-init",
    "reg-dropout",
    "act-relu-pros-cons",
    "calc-tournament-matches",
    "cnn-dilated-receptive-field",
    "cnn-transposed-conv-output",
    "cnn-pooling-role",
    "cnn-group-depthwise",
    "loss-kl-divergence",
}


@pytest.fixture(scope="module")
def bank() -> dict[str, QuestionDraft]:
    return {draft.key: draft for draft in read_bank([BUNDLED_BANK_DIR])}


@pytest.mark.parametrize("path", bank_paths([BUNDLED_BANK_DIR]), ids=lambda path: path.name)
def test_every_bundled_file_loads(path) -> None:
    assert read_bank_file(path)


def test_bank_has_breadth(bank: dict[str, QuestionDraft]) -> None:
    per_topic = Counter(draft.topic for draft in bank.values())

    assert len(bank) >= 150
    assert len(per_topic) >= 10
    assert min(per_topic.values()) >= MIN_QUESTIONS_PER_TOPIC


def test_bank_passes_its_lint(bank: dict[str, QuestionDraft]) -> None:
    assert [str(problem) for problem in lint_bank(list(bank.values()), MIN_QUESTIONS_PER_TOPIC)] == []


def test_every_question_has_a_full_rubric(bank: dict[str, QuestionDraft]) -> None:
    for draft in bank.values():
        assert 3 <= len(draft.rubric.points) <= 8, draft.key
        assert draft.difficulty in (1, 2, 3), draft.key
        assert all(point.aliases for point in draft.rubric.points), draft.key


def test_seed_questions_are_in_the_bank(bank: dict[str, QuestionDraft]) -> None:
    seeded = {key for key, draft in bank.items() if draft.source == "seed"}

    assert seeded >= SEED_KEYS
    assert len(seeded) >= len(SEED_KEYS)


def test_knockout_question_is_corrected_to_99(bank: dict[str, QuestionDraft]) -> None:
    question = bank["calc-tournament-matches"]

    correct = "一共 99 场。每场比赛恰好淘汰一人，100 人要淘汰 99 人；按轮次是 50+25+12+6+3+2+1。"

    assert "99" in question.answer
    assert grade(correct, question.rubric).passed
    assert not grade("50+25+16+6+3+2+1 = 103 场", question.rubric).passed


def test_dilated_receptive_field_accepts_formula_variants(bank: dict[str, QuestionDraft]) -> None:
    rubric = bank["cnn-dilated-receptive-field"].rubric
    formula = {point.label for point in rubric.points if point.required} or {rubric.points[0].label}

    for variant in ("2mn+1", "2*m*n+1", "2 m n + 1", "1+2mn"):
        matched = {point.label for point in grade(f"感受野是 {variant}", rubric).matched}
        assert matched & formula, variant
