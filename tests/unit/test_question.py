import pytest

from bot.core.question import (
    MAX_ANSWER_LENGTH,
    MAX_QUESTION_LENGTH,
    MAX_TOPIC_LENGTH,
    Question,
    QuestionDraft,
    draft_from_dict,
    validate_topic,
)
from bot.core.rubric import KeyPoint, Rubric, RubricError

PATH = "norm.yaml: questions[0]"


def entry(**fields):
    data = {
        "key": "norm-bn-purpose",
        "question": "批归一化（BN）在训练中起什么作用？",
        "rubric": [{"label": "加速收敛", "aliases": ["收敛更快"]}, "正则化"],
    }
    data.update(fields)
    return data


def error_from(data, topic="归一化"):
    with pytest.raises(RubricError) as caught:
        draft_from_dict(data, topic, PATH)
    return caught.value


class TestDraftFromDict:
    def test_builds_a_draft_with_defaults(self):
        draft = draft_from_dict(entry(), "归一化", PATH)

        assert draft == QuestionDraft(
            key="norm-bn-purpose",
            topic="归一化",
            text="批归一化（BN）在训练中起什么作用？",
            rubric=Rubric((KeyPoint("加速收敛", ("收敛更快",)), KeyPoint("正则化"))),
            answer="",
            difficulty=2,
            source="",
        )

    def test_reads_every_field_and_strips_text(self):
        draft = draft_from_dict(
            entry(question="  问题？ ", answer="\n参考答案\n", difficulty=3, source=" seed "), "归一化", PATH
        )

        assert (draft.text, draft.answer, draft.difficulty, draft.source) == ("问题？", "参考答案", 3, "seed")

    def test_a_topic_in_the_entry_overrides_the_files_topic(self):
        assert draft_from_dict(entry(topic="  优化   方法 "), "归一化", PATH).topic == "优化 方法"

    def test_a_null_answer_is_empty(self):
        assert draft_from_dict(entry(answer=None), "归一化", PATH).answer == ""

    @pytest.mark.parametrize("key", ["a", "0", "norm.bn_2-x", "a" * 80])
    def test_accepts_keys_of_lowercase_letters_digits_dots_dashes_and_underscores(self, key):
        assert draft_from_dict(entry(key=key), "归一化", PATH).key == key

    @pytest.mark.parametrize(
        "key", ["", "Norm-bn", "-norm", ".norm", "norm bn", "归一化", "a" * 81, None, 12, "norm/bn"]
    )
    def test_a_bad_key_is_rejected(self, key):
        assert error_from(entry(key=key)).field_path == f"{PATH}.key"

    def test_a_missing_key_is_rejected(self):
        data = entry()
        del data["key"]

        assert error_from(data).field_path == f"{PATH}.key"

    @pytest.mark.parametrize("difficulty", [1, 2, 3])
    def test_accepts_difficulties_one_to_three(self, difficulty):
        assert draft_from_dict(entry(difficulty=difficulty), "归一化", PATH).difficulty == difficulty

    @pytest.mark.parametrize("difficulty", [0, 4, -1, True, "2", None, "hard"])
    def test_a_bad_difficulty_is_rejected(self, difficulty):
        assert error_from(entry(difficulty=difficulty)).field_path == f"{PATH}.difficulty"

    @pytest.mark.parametrize("question", ["", "   ", None])
    def test_an_empty_question_is_rejected(self, question):
        error = error_from(entry(question=question))

        assert error.field_path == f"{PATH}.question"
        assert "required" in str(error)

    def test_a_missing_question_is_rejected(self):
        data = entry()
        del data["question"]

        assert error_from(data).field_path == f"{PATH}.question"

    def test_a_non_string_question_is_rejected(self):
        assert error_from(entry(question=["问题"])).field_path == f"{PATH}.question"

    def test_an_overlong_question_is_rejected(self):
        assert error_from(entry(question="问" * (MAX_QUESTION_LENGTH + 1))).field_path == f"{PATH}.question"

    def test_an_overlong_answer_is_rejected(self):
        assert error_from(entry(answer="答" * (MAX_ANSWER_LENGTH + 1))).field_path == f"{PATH}.answer"

    def test_an_overlong_source_is_rejected(self):
        assert error_from(entry(source="s" * 201)).field_path == f"{PATH}.source"

    def test_unknown_fields_are_named(self):
        error = error_from(entry(aliases=["x"], hint="y"))

        assert error.field_path == PATH
        assert "aliases, hint" in str(error)

    @pytest.mark.parametrize("data", [None, "question", ["key", "question"]])
    def test_an_entry_that_is_not_a_mapping_is_rejected(self, data):
        assert error_from(data).field_path == PATH

    def test_a_bad_topic_in_the_entry_is_rejected(self):
        assert error_from(entry(topic="  ")).field_path == f"{PATH}.topic"

    def test_rubric_errors_name_the_full_path(self):
        error = error_from(entry(rubric=[{"label": "加速收敛", "aliases": ["", "x"]}]))

        assert error.field_path == f"{PATH}.rubric[0].aliases[0]"

    def test_a_missing_rubric_is_rejected(self):
        data = entry()
        del data["rubric"]

        assert error_from(data).field_path == f"{PATH}.rubric"


class TestValidateTopic:
    def test_collapses_whitespace(self):
        assert validate_topic("  卷积 \n 网络 ") == "卷积 网络"

    def test_accepts_the_maximum_length(self):
        assert validate_topic("题" * MAX_TOPIC_LENGTH) == "题" * MAX_TOPIC_LENGTH

    @pytest.mark.parametrize("topic", ["", "   ", None, 3, "题" * (MAX_TOPIC_LENGTH + 1)])
    def test_rejects_empty_non_string_and_overlong_topics(self, topic):
        with pytest.raises(RubricError) as caught:
            validate_topic(topic, "file.yaml: topic")

        assert caught.value.field_path == "file.yaml: topic"


class TestSerialisation:
    def test_to_dict_leaves_out_the_topic_and_an_empty_source(self):
        draft = draft_from_dict(entry(answer="答"), "归一化", PATH)

        assert draft.to_dict() == {
            "key": "norm-bn-purpose",
            "question": "批归一化（BN）在训练中起什么作用？",
            "difficulty": 2,
            "answer": "答",
            "rubric": [{"label": "加速收敛", "aliases": ["收敛更快"]}, {"label": "正则化", "aliases": []}],
        }

    def test_to_dict_round_trips_through_draft_from_dict(self):
        draft = draft_from_dict(entry(answer="答", source="seed", difficulty=1), "归一化", PATH)

        assert draft_from_dict(draft.to_dict(), "归一化", PATH) == draft

    def test_a_stored_question_becomes_the_same_draft(self):
        draft = draft_from_dict(entry(answer="答", source="seed"), "归一化", PATH)
        question = Question(
            id=7,
            key=draft.key,
            topic=draft.topic,
            text=draft.text,
            rubric=draft.rubric,
            answer=draft.answer,
            difficulty=draft.difficulty,
            source=draft.source,
            active=True,
        )

        assert question.as_draft() == draft
