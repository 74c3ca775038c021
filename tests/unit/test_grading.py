import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.core.grading import (
    HINT_PENALTY,
    KEYWORD_LIST_CAP,
    MISTAKE_REACH,
    NEGATION_WINDOW_UNITS,
    POINT_REACH,
    grade,
    hint_cap,
)
from bot.core.rubric import KeyPoint, Rubric

PROPERTY_SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def point(label, *aliases, weight=1.0, required=False):
    return KeyPoint(label=label, aliases=aliases, weight=weight, required=required)


def rubric(*points):
    return Rubric(points)


def outcome(answer, label, *aliases):
    """Which of the result's lists a one-point rubric puts its point in."""
    result = grade(answer, rubric(point(label, *aliases)))
    if result.matched:
        return "matched"
    return "negated" if result.negated else "missed"


class TestScore:
    def test_every_point_made_scores_full_marks_and_passes(self):
        result = grade("BN 加速收敛，也有正则化效果", rubric(point("加速收敛"), point("正则化")))

        assert (result.score, result.raw_score, result.passed) == (100, 100, True)

    def test_empty_answer_scores_zero_and_misses_everything(self):
        points = (point("加速收敛"), point("正则化"))

        result = grade("", rubric(*points))

        assert (result.score, result.passed) == (0, False)
        assert result.missed == points

    def test_a_denied_point_takes_back_what_making_it_would_give(self):
        points = rubric(point("加速收敛", weight=3), point("正则化"), point("白化"))

        assert grade("它能加速收敛，但没有正则化效果", points).score == 40

    def test_denials_never_push_the_score_below_zero(self):
        assert grade("不能加速收敛，也没有正则化效果", rubric(point("加速收敛"), point("正则化"))).score == 0

    def test_wording_shared_with_the_reference_fills_part_of_the_gap(self):
        points = rubric(point("加速收敛"), point("正则化"))
        reference = "批归一化让每层输入的分布保持稳定，所以能加速收敛，还带来轻微的正则化"

        bare = grade("它能加速收敛", points, reference=reference).score
        explained = grade("它让每层输入的分布保持稳定，能加速收敛", points, reference=reference).score

        assert bare < explained < 100
        assert grade("它能加速收敛，也有正则化的作用", points, reference=reference).score == 100

    def test_score_is_the_weighted_share_of_points_made(self):
        result = grade("它能加速收敛", rubric(point("加速收敛", weight=3), point("正则化", weight=1)))

        assert result.score == 75

    @pytest.mark.parametrize(("made", "expected"), [(1, 33), (2, 67)])
    def test_score_rounds_to_the_nearest_integer(self, made, expected):
        labels = ["甲甲", "乙乙", "丙丙"]

        result = grade("答案是" + "，".join(labels[:made]), rubric(*(point(label) for label in labels)))

        assert result.score == expected

    def test_exact_halves_round_up(self):
        labels = ["甲甲", "乙乙", "丙丙", "丁丁", "戊戊", "己己", "庚庚", "辛辛"]

        result = grade("甲甲", rubric(*(point(label) for label in labels)))

        assert result.score == 13

    def test_an_answer_at_the_pass_score_passes(self):
        points = rubric(point("甲甲"), point("乙乙"), point("丙丙"), point("丁丁"))

        assert grade("是甲甲 乙乙 丙丙", points, pass_score=75).passed
        assert not grade("是甲甲 乙乙 丙丙", points, pass_score=76).passed

    def test_pass_score_defaults_to_sixty(self):
        points = rubric(*(point(label) for label in ["甲甲", "乙乙", "丙丙", "丁丁", "戊戊"]))

        assert grade("是甲甲 乙乙 丙丙", points).passed
        assert not grade("是甲甲 乙乙", points).passed


class TestPointLists:
    def test_matched_missed_and_negated_partition_the_rubric_in_order(self):
        made, absent, denied, also_made = point("加速收敛"), point("正则化"), point("梯度消失"), point("BN")

        result = grade("BN 加速收敛，但不会梯度消失", rubric(made, absent, denied, also_made))

        assert result.matched == (made, also_made)
        assert result.missed == (absent,)
        assert result.negated == (denied,)

    def test_unmet_lists_negated_points_before_missed_ones(self):
        absent, denied = point("正则化"), point("梯度消失")

        result = grade("不会梯度消失", rubric(absent, denied))

        assert result.unmet == (denied, absent)


class TestTerms:
    def test_the_label_itself_is_a_term(self):
        assert outcome("BN 能加速收敛", "加速收敛", "收敛更快") == "matched"

    def test_a_chinese_alias_makes_the_point(self):
        assert outcome("用了 BN 以后收敛更快", "加速收敛", "收敛更快") == "matched"

    def test_an_english_alias_makes_the_point(self):
        assert outcome("BN lets the model converge faster", "加速收敛", "converge faster") == "matched"

    def test_a_term_that_is_absent_is_missed(self):
        assert outcome("BN 减少了过拟合", "加速收敛", "converge faster") == "missed"

    @pytest.mark.parametrize(
        "answer", ["batchnorm", "Batch Norm", "Batch-Norm", "BATCH_NORM", "ｂａｔｃｈ ｎｏｒｍ"]
    )
    def test_case_spacing_hyphens_and_width_do_not_matter(self, answer):
        assert outcome(f"用 {answer} 稳定训练", "batch norm") == "matched"

    @pytest.mark.parametrize("answer", ["2mn+1", "2*m*n+1", "2 m n + 1", "2×m×n+1"])
    @pytest.mark.parametrize("term", ["2mn+1", "2*m*n+1", "2 m n + 1", "2×m×n+1"])
    def test_formula_variants_match_each_other(self, answer, term):
        assert outcome(f"参数量是 {answer}", term) == "matched"

    def test_a_traditional_chinese_answer_matches_a_simplified_term(self):
        assert outcome("批歸一化能加速收斂", "加速收敛") == "matched"

    def test_a_simplified_answer_matches_a_traditional_term(self):
        assert outcome("批归一化能加速收敛", "加速收斂") == "matched"

    def test_a_decimal_in_a_term_matches_the_same_decimal(self):
        assert outcome("dropout 一般取 0.5 左右", "0.5") == "matched"


class TestWordBoundaries:
    @pytest.mark.parametrize("answer", ["abnormal activations", "subnet", "this is abn"])
    def test_an_ascii_term_does_not_match_inside_a_longer_word(self, answer):
        assert outcome(answer, "bn") == "missed"

    @pytest.mark.parametrize("answer", ["用 BN 层", "BN层", "(bn)", "用了bn", "bn-relu"])
    def test_an_ascii_term_matches_next_to_chinese_or_punctuation(self, answer):
        assert outcome(answer, "bn") == "matched"

    @pytest.mark.parametrize("answer", ["trains", "trained", "training", "normalized", "batches"])
    def test_english_endings_are_allowed_after_a_term(self, answer):
        assert outcome(answer, "train", "normalize", "batch") == "matched"

    @pytest.mark.parametrize("answer", ["trainer", "normalizer", "batchy", "constrain"])
    def test_other_endings_and_beginnings_are_not(self, answer):
        assert outcome(answer, "train", "normalize", "batch") == "missed"

    def test_a_term_ending_in_a_digit_does_not_match_a_longer_number(self):
        assert outcome("用 l12 正则", "l1") == "missed"
        assert outcome("用 l1 正则", "l1") == "matched"


class TestNegation:
    @pytest.mark.parametrize("negation", ["不", "不能", "不会", "没有", "没", "无法", "并非", "未", "不是"])
    def test_a_chinese_negation_before_a_term_negates_it(self, negation):
        assert outcome(f"BN {negation}加速收敛", "加速收敛") == "negated"

    @pytest.mark.parametrize(
        "negation", ["not", "no", "doesn't", "does not", "cannot", "can't", "never", "won't", "without"]
    )
    def test_an_english_negation_before_a_term_negates_it(self, negation):
        assert outcome(f"BN {negation} converge faster", "converge faster") == "negated"

    @pytest.mark.parametrize(
        "compound", ["不仅", "不同", "不断", "非常", "不但", "不少", "未来", "无论", "三角不等式"]
    )
    def test_compounds_that_start_like_a_chinese_negation_do_not_negate(self, compound):
        assert outcome(f"BN {compound}加速收敛", "加速收敛") == "matched"

    @pytest.mark.parametrize("phrase", ["not only", "no matter how you", "notably", "nothing but", "know"])
    def test_english_words_that_contain_a_negation_do_not_negate(self, phrase):
        assert outcome(f"BN {phrase} converge faster", "converge faster") == "matched"

    @pytest.mark.parametrize("separator", ["，", ",", "。", ";", "；", "\n", "！", "？"])
    def test_a_negation_does_not_reach_across_a_clause_break(self, separator):
        assert outcome(f"BN 不难{separator}加速收敛", "加速收敛") == "matched"

    def test_a_negation_within_the_window_negates(self):
        filler = "再" * (NEGATION_WINDOW_UNITS - 1)

        assert outcome(f"不{filler}加速收敛", "加速收敛") == "negated"

    def test_a_negation_further_back_than_the_window_does_not_negate(self):
        filler = "再" * NEGATION_WINDOW_UNITS

        assert outcome(f"不{filler}加速收敛", "加速收敛") == "matched"

    def test_the_window_counts_english_words_not_letters(self):
        words = " ".join(["very"] * (NEGATION_WINDOW_UNITS - 1))

        assert outcome(f"not {words} converge faster", "converge faster") == "negated"

    def test_a_negation_inside_the_term_is_part_of_the_term(self):
        assert outcome("ReLU 在正区间不饱和", "不饱和") == "matched"

    def test_a_negation_after_a_term_does_not_negate_it(self):
        assert outcome("加速收敛并不是唯一作用", "加速收敛") == "matched"

    def test_a_term_negated_once_but_stated_elsewhere_counts(self):
        assert outcome("BN 不能消除过拟合，但能加速收敛，确实加速收敛", "加速收敛") == "matched"
        assert outcome("不能加速收敛。其实可以加速收敛", "加速收敛") == "matched"

    def test_a_negated_alias_does_not_hide_another_alias_that_is_made(self):
        assert (
            outcome("不是收敛更快，而是 converge faster", "加速收敛", "收敛更快", "converge faster")
            == "matched"
        )

    @pytest.mark.parametrize("question", ["是不是局部最优", "有没有局部最优", "会不会局部最优"])
    def test_a_question_form_is_not_a_negation(self, question):
        assert outcome(question, "局部最优") == "matched"

    def test_a_turn_ends_the_reach_of_a_negation(self):
        assert outcome("不是全局最优，而是局部最优", "局部最优") == "matched"
        assert outcome("不是全局最优而是局部最优", "局部最优") == "matched"

    @pytest.mark.parametrize("state", ["选不好会陷入", "数据不够会", "样本不足时"])
    def test_a_negated_state_word_does_not_negate_what_follows(self, state):
        assert outcome(f"{state}局部最优", "局部最优") == "matched"

    def test_a_negated_traditional_answer_is_still_negated(self):
        assert outcome("BN 無法加速收斂", "加速收敛") == "negated"

    @pytest.mark.parametrize(
        "answer",
        ["BN 跟加速收敛没有关系", "BN 与加速收敛无关", "加速收敛的说法是错的", "BN 加速收敛不成立"],
    )
    def test_a_denial_shortly_after_a_term_negates_it(self, answer):
        assert outcome(answer, "加速收敛") == "negated"

    def test_an_english_denial_after_a_term_negates_it(self):
        assert outcome("that BN makes it converge faster is wrong", "converge faster") == "negated"

    def test_a_denial_far_after_a_term_or_past_a_clause_break_does_not_negate(self):
        assert outcome("加速收敛这一点和学习率的选择没关系", "加速收敛") == "matched"
        assert outcome("BN 能加速收敛，跟初始化没关系", "加速收敛") == "matched"

    def test_punctuation_does_not_use_up_the_negation_window(self):
        symbols = "()" * NEGATION_WINDOW_UNITS

        assert outcome(f"并不是 p{symbols} 的下界", "下界") == "negated"


class TestCaps:
    def test_a_bare_list_of_keywords_is_capped(self):
        points = rubric(point("加速收敛"), point("正则化"), point("梯度消失"))

        result = grade("加速收敛，正则化，梯度消失", points)

        assert (result.raw_score, result.score, result.keyword_list) == (100, KEYWORD_LIST_CAP, True)

    @pytest.mark.parametrize(
        "answer",
        ["BN 能加速收敛，有正则化作用，缓解梯度消失", "it converges faster and has a regularizing effect"],
    )
    def test_an_answer_in_sentences_is_not_a_keyword_list(self, answer):
        assert not grade(answer, rubric(point("加速收敛"))).keyword_list

    def test_a_keyword_list_never_raises_a_low_score(self):
        points = rubric(point("加速收敛"), point("正则化"), point("梯度消失"), point("白化"))

        assert grade("加速收敛", points).score == 25

    def test_a_missed_required_point_caps_the_score_below_the_pass_score(self):
        points = rubric(point("加速收敛", weight=9), point("正则化", required=True))

        result = grade("它能加速收敛", points, pass_score=60)

        assert (result.score, result.raw_score, result.passed) == (59, 90, False)

    def test_a_negated_required_point_caps_the_score_too(self):
        points = rubric(point("加速收敛", weight=9), point("正则化", required=True))

        result = grade("加速收敛，但没有正则化效果", points, pass_score=80)

        assert (result.score, result.passed) == (79, False)

    def test_a_made_required_point_does_not_cap(self):
        points = rubric(point("加速收敛", weight=9), point("正则化", required=True), point("白化"))

        assert grade("加速收敛，有正则化效果", points).score == 91

    def test_the_required_cap_never_raises_a_low_score(self):
        points = rubric(point("加速收敛"), point("正则化", required=True), point("白化"), point("平移"))

        assert grade("加速收敛", points).score == 25

    @pytest.mark.parametrize(("hints", "cap"), [(0, 100), (1, 80), (2, 60), (3, 40), (4, 20), (5, 0), (9, 0)])
    def test_each_hint_lowers_the_best_possible_score_by_twenty(self, hints, cap):
        result = grade("它能加速收敛", rubric(point("加速收敛")), hints_used=hints)

        assert hint_cap(hints) == cap == max(0, 100 - HINT_PENALTY * hints)
        assert result.score == cap
        assert result.raw_score == 100

    def test_the_hint_cap_never_raises_a_low_score(self):
        points = rubric(point("加速收敛"), point("正则化"))

        assert grade("加速收敛", points, hints_used=1).score == 50

    def test_hints_can_turn_a_pass_into_a_fail(self):
        points = rubric(point("加速收敛"))

        assert not grade("加速收敛", points, pass_score=60, hints_used=3).passed


class TestTermsInParts:
    def test_parts_in_order_and_close_together_make_the_point(self):
        assert outcome("每层的导数连乘起来越来越小", "梯度消失", "导数&连乘&越来越小") == "matched"

    def test_parts_out_of_order_do_not(self):
        assert outcome("越来越小的导数连乘", "梯度消失", "导数&连乘&越来越小") == "missed"

    def test_parts_further_apart_than_the_gap_do_not(self):
        near = "偏差" + "很" * POINT_REACH.gap + "欠拟合"
        far = "偏差" + "很" * (POINT_REACH.gap + 1) + "欠拟合"

        assert outcome(near, "偏差大欠拟合", "偏差&欠拟合") == "matched"
        assert outcome(far, "偏差大欠拟合", "偏差&欠拟合") == "missed"

    def test_a_later_occurrence_of_the_first_part_can_start_the_chain(self):
        answer = "偏差" + "很" * (POINT_REACH.gap + 1) + "偏差大就是欠拟合"

        assert outcome(answer, "偏差大欠拟合", "偏差&欠拟合") == "matched"

    @pytest.mark.parametrize("turn", ["而", "但是", " but ", " whereas "])
    def test_a_turn_between_parts_sets_them_apart(self, turn):
        assert outcome(f"方差大{turn}欠拟合", "方差大欠拟合", "方差大&欠拟合") == "missed"

    def test_parts_stay_within_one_sentence_but_may_cross_a_comma(self):
        assert outcome("偏差大，说明欠拟合", "偏差大欠拟合", "偏差&欠拟合") == "matched"
        assert outcome("偏差大。欠拟合", "偏差大欠拟合", "偏差&欠拟合") == "missed"

    def test_a_consequence_is_not_a_turn(self):
        assert outcome("偏差大从而欠拟合", "偏差大欠拟合", "偏差&欠拟合") == "matched"

    def test_a_negated_part_negates_the_whole_term(self):
        assert outcome("偏差大并不会欠拟合", "偏差大欠拟合", "偏差&欠拟合") == "negated"

    def test_a_negation_inside_an_earlier_part_belongs_to_the_term(self):
        assert outcome("输入不会落到饱和区", "不饱和", "不会落到&饱和") == "matched"

    def test_a_negation_before_the_first_part_still_negates(self):
        assert outcome("并非不会落到饱和区", "不饱和", "不会落到&饱和") == "negated"

    def test_parts_match_across_languages_and_case(self):
        assert outcome("gradients SHRINK when multiplied", "梯度消失", "gradients&shrink") == "matched"


class TestMistakes:
    def mistaken(self, answer, *aliases, weight=1.0):
        points = Rubric(
            (point("编码器"), point("掩码语言模型")),
            (KeyPoint("BERT 是解码器", aliases, weight=weight, explain="BERT 是编码器", mistake=True),),
        )
        return grade(answer, points)

    def test_a_stated_mistake_costs_its_weight_and_is_reported(self):
        result = self.mistaken("BERT 用编码器，预训练是掩码语言模型，BERT 是解码器", "bert是解码器")

        assert [mistake.label for mistake in result.mistaken] == ["BERT 是解码器"]
        assert result.raw_score == 50
        assert result.unmet == ()

    def test_a_denied_mistake_costs_nothing(self):
        result = self.mistaken("BERT 不是解码器，它用编码器，预训练是掩码语言模型", "解码器")

        assert (result.mistaken, result.raw_score) == ((), 100)

    def test_a_mistake_never_lowers_the_score_below_zero(self):
        assert self.mistaken("BERT 是解码器", "bert是解码器", weight=5).score == 0

    def test_the_parts_of_a_mistake_must_stand_close(self):
        close = "bert" + "的" * MISTAKE_REACH.gap + "解码器"
        apart = "bert" + "的" * (MISTAKE_REACH.gap + 1) + "解码器"

        assert self.mistaken(close, "bert&解码器").mistaken
        assert not self.mistaken(apart, "bert&解码器").mistaken

    def test_the_parts_of_a_mistake_stay_within_one_clause(self):
        assert not self.mistaken("BERT，解码器", "bert&解码器").mistaken

    @pytest.mark.parametrize("belief", ["很多人以为", "有人误认为"])
    def test_a_mistake_reported_as_a_belief_is_no_mistake(self, belief):
        assert not self.mistaken(f"{belief} BERT 是解码器", "bert是解码器").mistaken

    def test_naming_the_same_things_in_their_right_roles_is_no_mistake(self):
        assert not self.mistaken("BERT 用编码器，GPT 用解码器", "bert&解码器").mistaken


ANY_CHAR = st.one_of(
    st.characters(),
    st.characters(categories=["Cs"]),
    st.sampled_from("\x00\n\r\t 。，,;.-_*×·'不没无非歸"),
)
ANY_TEXT = st.text(ANY_CHAR, max_size=40)
FRAGMENTS = st.sampled_from(
    [
        "加速收敛",
        "收斂",
        "bn",
        "BN",
        "batch norm",
        "converge faster",
        "不",
        "不能",
        "不仅",
        "没有",
        "not ",
        "no ",
        "not only ",
        "，",
        "。",
        ";",
        "\n",
        " ",
        "-",
        ".",
        "0.5",
        "2*m*n+1",
        "2mn+1",
        "&",
        "加速&收敛",
        "s",
        "ing",
        "ab",
    ]
)
TERMS = st.one_of(FRAGMENTS, ANY_TEXT, st.lists(FRAGMENTS, min_size=1, max_size=4).map("".join))
ANSWERS = st.one_of(ANY_TEXT, st.lists(st.one_of(FRAGMENTS, ANY_TEXT), max_size=12).map("".join))
WEIGHTS = st.one_of(
    st.integers(min_value=1, max_value=10).map(float),
    st.floats(min_value=0, max_value=10, exclude_min=True),
)
KEY_POINTS = st.builds(
    KeyPoint,
    label=TERMS,
    aliases=st.lists(TERMS, max_size=3).map(tuple),
    weight=WEIGHTS,
    required=st.booleans(),
    explain=st.just(""),
)
RUBRICS = st.lists(KEY_POINTS, min_size=1, max_size=6).map(lambda points: Rubric(tuple(points)))
PASS_SCORES = st.integers(min_value=0, max_value=100)
HINTS = st.integers(min_value=0, max_value=1000)


class TestProperties:
    @settings(PROPERTY_SETTINGS, max_examples=1000)
    @given(answer=st.text(ANY_CHAR))
    def test_any_unicode_answer_grades(self, answer):
        result = grade(answer, rubric(point("加速收敛", "converge faster"), point("bn")))

        assert 0 <= result.score <= 100

    @settings(PROPERTY_SETTINGS, max_examples=700)
    @given(answer=ANSWERS, points=RUBRICS, pass_score=PASS_SCORES, hints=HINTS)
    def test_score_stays_within_zero_and_one_hundred(self, answer, points, pass_score, hints):
        result = grade(answer, points, pass_score=pass_score, hints_used=hints)

        assert 0 <= result.score <= result.raw_score <= 100
        assert result.passed is (result.score >= pass_score)

    @settings(PROPERTY_SETTINGS, max_examples=300)
    @given(answer=ANSWERS, points=RUBRICS)
    def test_every_point_lands_in_exactly_one_list(self, answer, points):
        result = grade(answer, points)

        assert sorted(map(id, result.matched + result.missed + result.negated)) == sorted(
            map(id, points.points)
        )

    @settings(PROPERTY_SETTINGS, max_examples=800)
    @given(answer=ANSWERS, points=RUBRICS, pass_score=PASS_SCORES, hints=st.integers(0, 6), data=st.data())
    def test_adding_a_missed_points_term_never_lowers_the_score(
        self, answer, points, pass_score, hints, data
    ):
        before = grade(answer, points, pass_score=pass_score, hints_used=hints)
        missed_with_terms = [missed for missed in before.missed if missed.terms]
        assume(missed_with_terms)
        missed = data.draw(st.sampled_from(missed_with_terms), label="missed point")
        term = data.draw(st.sampled_from(missed.terms), label="term")

        after = grade(answer + "\n" + term, points, pass_score=pass_score, hints_used=hints)

        assert after.score >= before.score
        assert after.raw_score >= before.raw_score
        assert set(map(id, before.matched)) <= set(map(id, after.matched))
