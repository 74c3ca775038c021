import pytest

from bot.core.bank_lint import (
    NEAR_DUPLICATE_SIMILARITY,
    LintProblem,
    lint_bank,
    lint_question,
    similarity,
)
from bot.core.question import QuestionDraft
from bot.core.rubric import KeyPoint, Rubric


def draft(
    key="norm-bn", text="批归一化在训练中起什么作用？", answer=None, points=None, topic="归一化", mistakes=()
):
    points = points or (KeyPoint("加速收敛", ("收敛更快",)), KeyPoint("正则化"))
    if answer is None:
        answer = "BN 让训练收敛更快，还有轻微的正则化效果。"
    rubric = Rubric(tuple(points), tuple(mistakes))
    return QuestionDraft(key=key, topic=topic, text=text, rubric=rubric, answer=answer)


def mistake(label, *aliases):
    return KeyPoint(label, aliases, mistake=True, explain="why it is wrong")


def messages(problems):
    return [problem.message for problem in problems]


class TestLintQuestion:
    def test_a_sound_question_has_no_problems(self):
        assert lint_question(draft()) == []

    def test_a_reference_answer_that_misses_a_point_is_reported_with_its_score(self):
        problems = lint_question(draft(answer="BN 让训练收敛更快。"))

        assert problems == [LintProblem(("norm-bn",), "reference answer scores 50: misses 正则化")]

    def test_a_reference_answer_that_negates_a_point_is_reported(self):
        problems = lint_question(draft(answer="BN 让训练收敛更快，但没有正则化效果。"))

        assert messages(problems) == ["reference answer scores 0: misses 正则化"]

    def test_a_reference_making_every_weighted_and_required_point_is_sound(self):
        points = (KeyPoint("加速收敛", required=True), KeyPoint("正则化", weight=3))

        assert lint_question(draft(answer="加速收敛，正则化", points=points)) == []

    def test_a_reference_answer_that_states_a_mistake_is_reported(self):
        problems = lint_question(draft(mistakes=[mistake("BN 没有正则化", "轻微&正则化")]))

        assert messages(problems) == ["reference answer scores 50: states the mistake BN 没有正则化"]

    def test_a_key_point_term_that_states_a_mistake_is_reported(self):
        points = (KeyPoint("加速收敛", ("收敛&更快",)), KeyPoint("正则化"))

        problems = lint_question(draft(points=points, mistakes=[mistake("收敛更快是错觉", "收敛更快")]))

        assert "term '收敛&更快' of 加速收敛 states the mistake 收敛更快是错觉" in messages(problems)

    def test_terms_shared_between_a_point_and_a_mistake_count_as_repeats(self):
        problems = lint_question(draft(mistakes=[mistake("收敛更快")]))

        assert "alias used more than once: 收敛更快" in messages(problems)

    def test_a_missing_reference_answer_is_reported(self):
        assert messages(lint_question(draft(answer=""))) == ["has no reference answer"]

    def test_a_term_used_twice_within_a_question_is_reported(self):
        points = (KeyPoint("加速收敛", ("收敛更快",)), KeyPoint("正则化", ("收敛更快",)))

        assert messages(lint_question(draft(points=points))) == ["alias used more than once: 收敛更快"]

    def test_terms_that_are_equal_after_normalising_count_as_repeats(self):
        points = (KeyPoint("Batch Norm", ("batch-norm",)), KeyPoint("正则化"))

        problems = lint_question(draft(answer="batch norm 有正则化效果", points=points))

        assert messages(problems) == ["alias used more than once: batch norm"]

    def test_repeats_are_listed_once_each_and_sorted(self):
        points = (KeyPoint("甲甲", ("乙乙", "丙丙")), KeyPoint("丙丙", ("乙乙",)))

        assert messages(lint_question(draft(answer="甲甲 丙丙", points=points))) == [
            "alias used more than once: 丙丙, 乙乙"
        ]

    def test_a_problem_reads_as_key_then_message(self):
        assert str(LintProblem(("a", "b"), "near-duplicate questions (0.75)")) == (
            "a ~ b: near-duplicate questions (0.75)"
        )


class TestSimilarity:
    def test_identical_texts_are_fully_similar(self):
        assert similarity("BN 的作用是什么？", "BN 的作用是什么？") == 1.0

    def test_texts_with_no_common_bigrams_are_not_similar(self):
        assert similarity("Adam 和 SGD 有何区别", "卷积核大小如何选择") == 0.0

    def test_spacing_case_and_punctuation_do_not_matter(self):
        assert similarity("BN的作用是什么？", "bn 的 作用 是 什么") == 1.0

    def test_traditional_and_simplified_forms_are_the_same_text(self):
        assert similarity("批歸一化的作用", "批归一化的作用") == 1.0

    def test_is_symmetric(self):
        first, second = "批归一化在训练中起什么作用？", "层归一化在训练中有什么作用？"

        assert similarity(first, second) == similarity(second, first)

    def test_single_characters_compare_as_themselves(self):
        assert similarity("甲", "甲") == 1.0
        assert similarity("甲", "乙") == 0.0


class TestLintBank:
    def test_a_sound_bank_has_no_problems(self):
        bank = [draft("a", "批归一化在训练中起什么作用？"), draft("b", "Adam 和 SGD 有何区别")]

        assert lint_bank(bank) == []

    def test_per_question_problems_are_included(self):
        assert messages(lint_bank([draft(answer="")])) == ["has no reference answer"]

    def test_a_repeated_key_is_reported_once_with_its_count(self):
        bank = [draft("a", "问题一的内容"), draft("a", "完全不同的题目"), draft("a", "第三个问法")]

        assert [problem for problem in lint_bank(bank) if "key" in problem.message] == [
            LintProblem(("a",), "key appears 3 times")
        ]

    def test_near_duplicate_questions_are_reported_as_a_pair(self):
        bank = [draft("bn", "批归一化在训练中起什么作用？"), draft("bn2", "批归一化在训练中有什么作用？")]

        assert lint_bank(bank) == [LintProblem(("bn", "bn2"), "near-duplicate questions (0.71)")]

    def test_questions_below_the_similarity_threshold_are_not_duplicates(self):
        first, second = "批归一化在训练中起什么作用？", "层归一化和批归一化有何区别？"
        assert similarity(first, second) < NEAR_DUPLICATE_SIMILARITY

        assert lint_bank([draft("a", first), draft("b", second)]) == []

    def test_near_duplicates_are_found_across_topics(self):
        bank = [
            draft("a", "BN 的作用是什么？", topic="归一化"),
            draft("b", "LN 的作用是什么？", topic="优化"),
        ]

        assert [problem.keys for problem in lint_bank(bank)] == [("a", "b")]

    def test_thin_topics_are_reported_when_a_minimum_is_asked_for(self):
        bank = [
            draft("a", "批归一化在训练中起什么作用？", topic="归一化"),
            draft("b", "Adam 和 SGD 有何区别", topic="优化"),
            draft("c", "学习率预热的目的", topic="优化"),
        ]

        assert lint_bank(bank, min_per_topic=2) == [
            LintProblem(("归一化",), "topic has 1 questions, wants 2")
        ]

    def test_thin_topics_are_reported_in_name_order(self):
        bank = [draft("a", "批归一化的作用", topic="norm"), draft("b", "Adam 和 SGD 有何区别", topic="adam")]

        assert [problem.keys for problem in lint_bank(bank, min_per_topic=3)] == [("adam",), ("norm",)]

    def test_topic_size_is_not_checked_by_default(self):
        assert lint_bank([draft()]) == []

    @pytest.mark.parametrize("bank", [[], [draft()]])
    def test_small_banks_have_no_pair_problems(self, bank):
        assert lint_bank(bank) == []
