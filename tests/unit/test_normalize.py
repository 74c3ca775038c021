import pytest

from bot.core.normalize import PAUSE, SENTENCE_BREAK, is_ascii_word_char, normalize, normalize_term


def test_full_width_forms_fold_to_half_width():
    assert normalize("ＢＮ１２３") == "bn123"


def test_case_folds():
    assert normalize("Batch Norm") == "batch norm"


def test_traditional_chinese_becomes_simplified():
    assert normalize("批歸一化與梯度消失") == "批归一化与梯度消失"


@pytest.mark.parametrize("text", ["“引号”", "「引号」", "《引号》", "【引号】", "  引号  "])
def test_quotes_brackets_and_outer_spaces_disappear(text):
    assert normalize(text) == "引号"


def test_runs_of_whitespace_become_one_space():
    assert normalize("a   b\u3000c\u00a0d") == "a b c d"


@pytest.mark.parametrize("separator", ["。", ";", "；", "！", "？", "\n", "\r\n", "\t", "…"])
def test_sentence_punctuation_becomes_a_sentence_break(separator):
    assert normalize(f"前半{separator}后半") == f"前半{SENTENCE_BREAK}后半"


@pytest.mark.parametrize("separator", ["，", ",", "、", "：", ":"])
def test_pausing_punctuation_becomes_a_pause(separator):
    assert normalize(f"前半{separator}后半") == f"前半{PAUSE}后半"


def test_a_run_of_breaks_and_spaces_is_its_strongest_break():
    assert normalize("前半 ，。 \n 后半") == f"前半{SENTENCE_BREAK}后半"
    assert normalize("前半 ， 、 后半") == f"前半{PAUSE}后半"


def test_full_stop_between_digits_is_a_decimal_point():
    assert normalize("lr 设为 0.001") == "lr 设为 0.001"


def test_full_stop_after_a_word_is_a_clause_break():
    assert normalize("It helps. It converges.") == f"it helps{SENTENCE_BREAK}it converges"


@pytest.mark.parametrize("text", ["mini-batch", "mini_batch", "Mini–batch", "mini—batch", "mini batch"])
def test_hyphenated_words_read_as_separate_words(text):
    assert normalize(text) == "mini batch"


def test_dash_between_numbers_stays_a_minus_sign():
    assert normalize("1 − 2") == "1 - 2"


def test_formula_symbols_are_kept():
    assert normalize("(a+b)/2 >= c^2 = 50%") == "(a+b)/2 >= c^2 = 50%"


@pytest.mark.parametrize("formula", ["2mn+1", "2*m*n+1", "2×m×n+1", "2·m·n+1", "2 m n + 1", "2 * m * n + 1"])
def test_multiplication_signs_and_spaces_do_not_change_a_formula(formula):
    assert normalize(formula).replace(" ", "") == "2mn+1"


@pytest.mark.parametrize("text", ["a\ud800b", "a\udfffb", "\ud83d", "a\x00b", "\x00", "\ud800\x00\udc00"])
def test_lone_surrogates_and_nul_do_not_crash(text):
    assert isinstance(normalize(text), str)


def test_nul_separates_like_a_space():
    assert normalize("a\x00b") == "a b"


def test_empty_and_punctuation_only_text_normalise_to_empty():
    assert normalize("") == ""
    assert normalize(" ，。！ ") == ""


@pytest.mark.parametrize("term", ["Batch-Norm", "加速收斂", "2×m×n+1", "。", ""])
def test_terms_normalise_like_answers(term):
    assert normalize_term(term) == normalize(term)


def test_normalising_twice_changes_nothing():
    text = "Ｂatch-Norm 不能，加速收斂。lr=0.001; 2×m×n+1"
    assert normalize(normalize(text)) == normalize(text)


@pytest.mark.parametrize(
    ("char", "expected"), [("a", True), ("Z", True), ("7", True), ("中", False), ("-", False)]
)
def test_ascii_word_chars_are_ascii_letters_and_digits(char, expected):
    assert is_ascii_word_char(char) is expected


@pytest.mark.parametrize(
    ("spelled", "digits"), [("一百二十八个", "128个"), ("九十九场", "99场"), ("兩千", "2000"), ("十二", "12")]
)
def test_spelled_out_chinese_numbers_become_digits(spelled, digits):
    assert normalize(spelled) == digits


@pytest.mark.parametrize("idiom", ["千万不要", "万一", "十分重要", "一一对应", "七七八八", "第一层"])
def test_words_made_of_numeral_characters_stay_words(idiom):
    assert normalize(idiom) == idiom


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("误差∝1/√N", "误差正比于1/根号n"),
        ("x² + y³", "x^2 + y^3"),
        ("1024³", "1024^3"),
        ("a≤b≥c", "a<=b>=c"),
        ("a≠b", "a不等于b"),
    ],
)
def test_signs_with_meaning_are_spelled_out_rather_than_dropped(text, expected):
    assert normalize(text) == expected


def test_a_root_or_a_power_is_not_the_bare_number():
    assert normalize("1/√n") != normalize("1/n")
    assert normalize("n²") != normalize("n2")


@pytest.mark.parametrize(("text", "expected"), [("2×10⁹", "2*10^9"), ("3 · 4", "3*4"), ("7b×2", "7b2")])
def test_a_multiplication_sign_between_numbers_stays(text, expected):
    assert normalize(text) == expected
