import pytest

from bot.core.addq import ADDED_SOURCE, MAX_KEY_POINTS, AddqFormatError, parse_addq
from bot.core.question import KEY_RE, MAX_QUESTION_LENGTH, MAX_TOPIC_LENGTH
from bot.core.rubric import KeyPoint


def labels(draft):
    return [point.label for point in draft.rubric.points]


class TestOneLineForm:
    def test_three_sections_are_topic_question_and_key_points(self):
        draft = parse_addq("归一化 | BN 的作用是什么？ | 加速收敛, 正则化")

        assert (draft.topic, draft.text, labels(draft), draft.answer) == (
            "归一化",
            "BN 的作用是什么？",
            ["加速收敛", "正则化"],
            "",
        )

    def test_a_fourth_section_is_the_reference_answer(self):
        draft = parse_addq("归一化 | BN 的作用是什么？ | 加速收敛 | BN 稳定各层输入分布……")

        assert draft.answer == "BN 稳定各层输入分布……"

    @pytest.mark.parametrize("separator", [",", "，", ";", "；", "、"])
    def test_key_points_split_on_commas_semicolons_and_enumeration_marks(self, separator):
        draft = parse_addq(f"归一化 | BN 的作用？ | 加速收敛{separator}正则化{separator} 缓解梯度消失")

        assert labels(draft) == ["加速收敛", "正则化", "缓解梯度消失"]

    def test_a_slash_separates_a_label_from_its_aliases(self):
        draft = parse_addq("归一化 | BN 的作用？ | 加速收敛 / 收敛更快 / faster convergence, 正则化")

        assert draft.rubric.points == (
            KeyPoint("加速收敛", ("收敛更快", "faster convergence")),
            KeyPoint("正则化"),
        )

    def test_empty_key_points_and_aliases_are_ignored(self):
        draft = parse_addq("归一化 | BN 的作用？ | 加速收敛//收敛更快, , /, 正则化,")

        assert draft.rubric.points == (KeyPoint("加速收敛", ("收敛更快",)), KeyPoint("正则化"))

    def test_whitespace_inside_the_question_collapses(self):
        assert parse_addq("  归一化 |  BN   的\t作用？ | 加速收敛  ").text == "BN 的 作用？"

    def test_whitespace_inside_the_topic_collapses(self):
        assert parse_addq("卷积   网络 | 问题？ | 感受野").topic == "卷积 网络"

    def test_a_draft_from_chat_has_default_difficulty_and_chat_source(self):
        draft = parse_addq("归一化 | BN 的作用？ | 加速收敛")

        assert (draft.difficulty, draft.source) == (2, ADDED_SOURCE)


class TestMultiLineForm:
    def test_one_field_per_line(self):
        draft = parse_addq(
            "topic: 归一化\nq: BN 的作用是什么？\nkeys: 加速收敛/收敛更快, 正则化\nanswer: 稳定分布"
        )

        assert (draft.topic, draft.text, draft.answer) == ("归一化", "BN 的作用是什么？", "稳定分布")
        assert draft.rubric.points == (KeyPoint("加速收敛", ("收敛更快",)), KeyPoint("正则化"))

    def test_chinese_field_names_and_full_width_colons(self):
        draft = parse_addq("主题：归一化\n问题：BN 的作用？\n要点：加速收敛；正则化\n参考答案：稳定分布")

        assert (draft.topic, draft.text, labels(draft), draft.answer) == (
            "归一化",
            "BN 的作用？",
            ["加速收敛", "正则化"],
            "稳定分布",
        )

    @pytest.mark.parametrize(
        ("question_field", "answer_field"), [("question", "a"), ("Q", "答案"), ("QUESTION", "Answer")]
    )
    def test_field_name_variants_are_accepted_in_any_case(self, question_field, answer_field):
        draft = parse_addq(f"Topic: 归一化\n{question_field}: 问题？\nKEYS: 加速收敛\n{answer_field}: 答")

        assert (draft.text, draft.answer) == ("问题？", "答")

    def test_fields_may_come_in_any_order(self):
        draft = parse_addq("keys: 加速收敛\nanswer: 答\nq: 问题？\ntopic: 归一化")

        assert (draft.topic, draft.text, labels(draft), draft.answer) == (
            "归一化",
            "问题？",
            ["加速收敛"],
            "答",
        )

    def test_lines_after_a_field_continue_it(self):
        draft = parse_addq(
            "topic: 归一化\nq: BN 的作用？\nkeys: 加速收敛\nanswer: 第一段\n\n第二段\n  第三段"
        )

        assert draft.answer == "第一段\n\n第二段\n  第三段"

    def test_a_continued_question_is_joined_with_spaces(self):
        assert parse_addq("topic: 归一化\nq: BN 的\n作用？\nkeys: 加速收敛").text == "BN 的 作用？"

    def test_the_answer_is_optional(self):
        assert parse_addq("topic: 归一化\nq: BN 的作用？\nkeys: 加速收敛").answer == ""

    def test_a_pipe_in_the_multi_line_form_is_plain_text(self):
        assert parse_addq("topic: 归一化\nq: P(a|b) 是什么？\nkeys: 条件概率").text == "P(a|b) 是什么？"


class TestMalformed:
    @pytest.mark.parametrize("text", ["", "   \n  "])
    def test_empty_text(self, text):
        with pytest.raises(AddqFormatError):
            parse_addq(text)

    @pytest.mark.parametrize("text", ["归一化", "归一化 | BN 的作用？", "a | b | c | d | e"])
    def test_one_line_form_needs_three_or_four_sections(self, text):
        with pytest.raises(AddqFormatError, match="3 or 4 sections"):
            parse_addq(text)

    @pytest.mark.parametrize(
        "text",
        [
            " | BN 的作用？ | 加速收敛",
            f"{'题' * (MAX_TOPIC_LENGTH + 1)} | BN 的作用？ | 加速收敛",
            "q: BN 的作用？\nkeys: 加速收敛",
        ],
    )
    def test_a_missing_or_overlong_topic(self, text):
        with pytest.raises(AddqFormatError, match="topic"):
            parse_addq(text)

    @pytest.mark.parametrize("text", ["归一化 |   | 加速收敛", "topic: 归一化\nkeys: 加速收敛"])
    def test_a_missing_question(self, text):
        with pytest.raises(AddqFormatError, match="question"):
            parse_addq(text)

    def test_an_overlong_question(self):
        with pytest.raises(AddqFormatError, match="too long"):
            parse_addq(f"归一化 | {'问' * (MAX_QUESTION_LENGTH + 1)} | 加速收敛")

    @pytest.mark.parametrize(
        "text",
        ["归一化 | BN 的作用？ |  ", "归一化 | BN 的作用？ | , ；/ 、", "topic: 归一化\nq: BN 的作用？"],
    )
    def test_no_key_points(self, text):
        with pytest.raises(AddqFormatError, match="key point"):
            parse_addq(text)

    def test_too_many_key_points(self):
        keys = ", ".join(f"要点{index}" for index in range(MAX_KEY_POINTS + 1))

        with pytest.raises(AddqFormatError, match=str(MAX_KEY_POINTS)):
            parse_addq(f"归一化 | BN 的作用？ | {keys}")

    def test_the_maximum_number_of_key_points_is_accepted(self):
        keys = ", ".join(f"要点{index}" for index in range(MAX_KEY_POINTS))

        assert len(parse_addq(f"归一化 | BN 的作用？ | {keys}").rubric.points) == MAX_KEY_POINTS

    def test_duplicate_key_points(self):
        with pytest.raises(AddqFormatError, match="duplicate"):
            parse_addq("归一化 | BN 的作用？ | 加速收敛, 正则化, 加速收斂")

    @pytest.mark.parametrize(
        "duplicate", ["q: 另一个问题", "问题：另一个问题", "topic: 优化", "答案：另一个"]
    )
    def test_a_field_given_twice(self, duplicate):
        with pytest.raises(AddqFormatError, match="twice"):
            parse_addq(f"topic: 归一化\nq: BN 的作用？\nkeys: 加速收敛\nanswer: 答\n{duplicate}")

    def test_the_error_is_a_value_error(self):
        with pytest.raises(ValueError):
            parse_addq("归一化")


class TestKey:
    def test_the_key_is_a_valid_bank_key(self):
        key = parse_addq("归一化 | BN 的作用？ | 加速收敛").key

        assert key.startswith("chat-")
        assert KEY_RE.match(key)

    def test_the_same_topic_and_question_give_the_same_key(self):
        first = parse_addq("归一化 | BN 的作用？ | 加速收敛 | 答")
        second = parse_addq("topic: 归一化\nq:  BN   的作用？\nkeys: 正则化, 白化")

        assert first.key == second.key

    @pytest.mark.parametrize(
        "other",
        [
            "优化 | BN 的作用？ | 加速收敛",
            "归一化 | LN 的作用？ | 加速收敛",
            "归一化 | BN 的作用? | 加速收敛",
        ],
    )
    def test_a_different_topic_or_question_gives_a_different_key(self, other):
        assert parse_addq(other).key != parse_addq("归一化 | BN 的作用？ | 加速收敛").key
