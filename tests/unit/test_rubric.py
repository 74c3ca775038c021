import pytest

from bot.core.rubric import KeyPoint, Rubric, RubricError, key_point_from_dict, validate_rubric


def valid_point(label="加速收敛", **fields):
    return {"label": label, "aliases": ["收敛更快", "converge faster"], **fields}


def error_from(items, field_path="rubric"):
    with pytest.raises(RubricError) as caught:
        Rubric.from_list(items, field_path)
    return caught.value


class TestFromList:
    def test_builds_key_points_with_defaults(self):
        rubric = Rubric.from_list([valid_point()])

        assert rubric.points == (KeyPoint("加速收敛", ("收敛更快", "converge faster")),)
        assert rubric.points[0].weight == 1.0
        assert rubric.points[0].required is False
        assert rubric.points[0].explain == ""

    def test_reads_every_field(self):
        rubric = Rubric.from_list([valid_point(weight=2.5, required=True, explain="收敛更快。")])

        assert rubric.points[0] == KeyPoint(
            "加速收敛", ("收敛更快", "converge faster"), weight=2.5, required=True, explain="收敛更快。"
        )

    def test_strips_surrounding_whitespace_from_text(self):
        rubric = Rubric.from_list([{"label": " 加速收敛 ", "aliases": [" 收敛更快\n"], "explain": " 说明 "}])

        assert rubric.points[0] == KeyPoint("加速收敛", ("收敛更快",), explain="说明")

    def test_a_bare_string_is_a_key_point_labelled_by_it(self):
        rubric = Rubric.from_list(["加速收敛", valid_point("正则化")])

        assert rubric.points[0] == KeyPoint("加速收敛")

    def test_integer_weights_are_stored_as_floats(self):
        assert Rubric.from_list([valid_point(weight=3)]).points[0].weight == 3.0

    def test_accepts_a_tuple_of_points(self):
        assert len(Rubric.from_list((valid_point(), valid_point("正则化"))).points) == 2

    def test_total_weight_sums_the_points(self):
        assert (
            Rubric.from_list([valid_point(weight=2), valid_point("正则化", weight=0.5)]).total_weight == 2.5
        )


class TestFromListErrors:
    @pytest.mark.parametrize("items", ["加速收敛", b"bytes", None, 42])
    def test_a_non_list_rubric_is_rejected(self, items):
        assert error_from(items).field_path == "rubric"

    def test_a_single_mapping_instead_of_a_list_is_rejected(self):
        assert error_from({"label": "加速收敛", "aliases": ["收敛更快"]}).field_path == "rubric"

    def test_an_empty_rubric_is_rejected(self):
        error = error_from([])

        assert error.field_path == "rubric"
        assert "at least one" in str(error)

    def test_errors_name_the_path_given_by_the_caller(self):
        error = error_from([valid_point(), valid_point("正则化", aliases=["好", 3])], "questions[4].rubric")

        assert error.field_path == "questions[4].rubric[1].aliases[1]"
        assert str(error).startswith("questions[4].rubric[1].aliases[1]: ")

    @pytest.mark.parametrize("alias", ["", "   ", "，。！", 7, None])
    def test_an_empty_or_non_string_alias_names_its_index(self, alias):
        assert error_from([valid_point(), valid_point("正则化", aliases=[alias])]).field_path == (
            "rubric[1].aliases[0]"
        )

    @pytest.mark.parametrize("aliases", ["收敛更快", {"a": 1}, 3])
    def test_aliases_must_be_a_list(self, aliases):
        assert error_from([valid_point(aliases=aliases)]).field_path == "rubric[0].aliases"

    @pytest.mark.parametrize("label", [None, "", "  ", 5, ["加速收敛"]])
    def test_a_missing_or_empty_label_is_rejected(self, label):
        assert error_from([{"label": label, "aliases": ["收敛更快"]}]).field_path == "rubric[0].label"

    def test_a_point_without_a_label_is_rejected(self):
        assert error_from([{"aliases": ["收敛更快"]}]).field_path == "rubric[0].label"

    @pytest.mark.parametrize("weight", [0, -1, 10.5, 11, True, "2", None, float("nan"), float("inf")])
    def test_a_weight_outside_zero_to_ten_or_not_a_number_is_rejected(self, weight):
        assert error_from([valid_point(weight=weight)]).field_path == "rubric[0].weight"

    @pytest.mark.parametrize("weight", [0.01, 1, 10])
    def test_weights_up_to_ten_are_accepted(self, weight):
        assert Rubric.from_list([valid_point(weight=weight)]).points[0].weight == weight

    @pytest.mark.parametrize("required", ["yes", 1, None])
    def test_required_must_be_a_boolean(self, required):
        assert error_from([valid_point(required=required)]).field_path == "rubric[0].required"

    def test_explain_must_be_a_string(self):
        assert error_from([valid_point(explain=["太长"])]).field_path == "rubric[0].explain"

    def test_unknown_fields_are_named(self):
        error = error_from([valid_point(wieght=2, note="x")])

        assert error.field_path == "rubric[0]"
        assert "note, wieght" in str(error)

    @pytest.mark.parametrize("item", [42, None, ["加速收敛"]])
    def test_a_point_that_is_neither_mapping_nor_string_is_rejected(self, item):
        assert error_from([valid_point(), item]).field_path == "rubric[1]"

    def test_duplicate_labels_are_rejected_at_the_second_label(self):
        error = error_from([valid_point(), valid_point("正则化"), valid_point("加速收敛")])

        assert error.field_path == "rubric[2].label"
        assert "加速收敛" in str(error)

    def test_labels_that_differ_only_after_normalising_are_duplicates(self):
        assert (
            error_from([valid_point("Batch Norm"), valid_point("batch-norm")]).field_path == "rubric[1].label"
        )

    def test_a_label_with_no_matchable_text_is_rejected(self):
        assert error_from([{"label": "。。", "aliases": []}]).field_path == "rubric[0]"

    def test_the_error_is_a_value_error(self):
        assert isinstance(error_from([]), ValueError)


class TestKeyPoint:
    def test_terms_are_the_label_then_the_aliases(self):
        assert KeyPoint("加速收敛", ("收敛更快", "converge faster")).terms == (
            "加速收敛",
            "收敛更快",
            "converge faster",
        )

    def test_terms_drop_repeats_after_normalising(self):
        assert KeyPoint("Batch Norm", ("batch-norm", "批歸一化", "批归一化")).terms == (
            "Batch Norm",
            "批歸一化",
        )

    def test_terms_drop_text_that_normalises_to_nothing(self):
        assert KeyPoint("BN", ("。", " ")).terms == ("BN",)

    def test_key_point_from_dict_names_the_given_path(self):
        with pytest.raises(RubricError) as caught:
            key_point_from_dict({"label": ""}, "x[3]")

        assert caught.value.field_path == "x[3].label"


class TestValidateRubric:
    def test_an_empty_rubric_is_invalid(self):
        with pytest.raises(RubricError):
            validate_rubric(Rubric(()))

    def test_a_valid_rubric_passes(self):
        validate_rubric(Rubric((KeyPoint("加速收敛"), KeyPoint("正则化"))))


class TestToList:
    def test_defaults_are_left_out(self):
        assert Rubric((KeyPoint("加速收敛", ("收敛更快",)),)).to_list() == [
            {"label": "加速收敛", "aliases": ["收敛更快"]}
        ]

    def test_whole_weights_serialise_as_integers(self):
        data = Rubric((KeyPoint("加速收敛", weight=2.0), KeyPoint("正则化", weight=1.5))).to_list()

        assert data[0]["weight"] == 2
        assert isinstance(data[0]["weight"], int)
        assert data[1]["weight"] == 1.5

    def test_round_trips_through_from_list(self):
        original = Rubric(
            (
                KeyPoint(
                    "加速收敛", ("收敛更快", "converge faster"), weight=2.0, required=True, explain="因为……"
                ),
                KeyPoint("正则化", weight=0.5),
                KeyPoint("白化"),
            )
        )

        assert Rubric.from_list(original.to_list()) == original

    def test_plain_data_round_trips_through_a_rubric(self):
        data = [
            {"label": "加速收敛", "aliases": ["收敛更快"], "weight": 2, "required": True, "explain": "因为"},
            {"label": "正则化", "aliases": []},
        ]

        assert Rubric.from_list(data).to_list() == data


class TestMistakesAndParts:
    def test_mistakes_are_kept_apart_from_the_key_points(self):
        rubric = Rubric.from_list(
            [{"label": "编码器"}, {"label": "BERT 是解码器", "aliases": ["bert&解码器"], "mistake": True}]
        )

        assert [point.label for point in rubric.points] == ["编码器"]
        assert [mistake.label for mistake in rubric.mistakes] == ["BERT 是解码器"]
        assert rubric.total_weight == 1

    def test_mistakes_round_trip_after_the_key_points(self):
        data = [
            {"label": "编码器", "aliases": []},
            {
                "label": "BERT 是解码器",
                "aliases": ["bert&解码器"],
                "weight": 2,
                "explain": "是编码器",
                "mistake": True,
            },
        ]

        assert Rubric.from_list(data).to_list() == data

    def test_a_key_point_after_a_mistake_is_rejected_at_its_index(self):
        with pytest.raises(RubricError, match=r"rubric\[2\]: key points come before mistakes"):
            Rubric.from_list([{"label": "a"}, {"label": "b", "mistake": True}, {"label": "c"}])

    def test_a_mistake_cannot_be_required(self):
        with pytest.raises(RubricError, match=r"rubric\[1\]\.required"):
            Rubric.from_list([{"label": "a"}, {"label": "b", "mistake": True, "required": True}])

    def test_mistake_must_be_a_boolean(self):
        with pytest.raises(RubricError, match=r"mistake must be true or false"):
            Rubric.from_list([{"label": "a", "mistake": "yes"}])

    def test_only_mistakes_is_no_rubric(self):
        with pytest.raises(RubricError, match="at least one key point"):
            Rubric.from_list([{"label": "a", "mistake": True}])

    @pytest.mark.parametrize("alias", ["&", "梯度&", "&连乘", "梯度&&连乘", "梯度& 。&连乘"])
    def test_an_alias_with_an_empty_part_is_rejected(self, alias):
        with pytest.raises(RubricError, match=r"aliases\[0\]"):
            Rubric.from_list([{"label": "梯度消失", "aliases": [alias]}])

    def test_terms_in_parts_drop_repeats_part_by_part(self):
        point = KeyPoint("梯度消失", ("梯度&连乘", "梯度 & 連乘", "梯度连乘"))

        assert point.terms == ("梯度消失", "梯度&连乘", "梯度连乘")
