"""Fold answer text and rubric aliases into one comparable form.

Chinese has no spaces between words, so the grader matches aliases as substrings of normalised
text rather than as whitespace tokens. Both sides go through :func:`normalize`, which guarantees
that whatever folding happens to an answer happens to the alias too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import cn2an
import opencc

# Normalised text marks where a sentence ends and where a clause within it pauses (a comma).
SENTENCE_BREAK = "\n"
PAUSE = ","
CLAUSE_BREAKS = SENTENCE_BREAK + PAUSE

_T2S = opencc.OpenCC("t2s")

# Characters that end a sentence, and that end a clause within one; a negation reaches across neither.
_SENTENCE_CHARS = "。;；!！?？\n\r\t…"
_PAUSE_CHARS = ",，、:："
# Signs of multiplication disappear, so `2*m*n+1`, `2×m×n+1` and `2mn+1` compare equal; between two
# numbers one stays, as `*`, so that 2×10 is not 210.
_DROPPED_CHARS = "*×·∗⋅'’‘`"
_TIMES = "*"
_NUMBER_TIMES_RE = re.compile(r"(?<=[0-9]) ?[*×·∗⋅] ?(?=[0-9])")
_DASHES = "−–—‐‑"
_KEPT_SYMBOLS = "+-=<>^%()/." + PAUSE + _TIMES

# Signs that carry meaning but would fold away as symbols: 1/√n is not 1/n, and x³ is not x3.
_SIGN_WORDS = {"√": "根号", "≤": "<=", "≥": ">=", "≠": "不等于", "∝": "正比于"}
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SIGNS_RE = re.compile("[" + "".join(_SIGN_WORDS) + "]|[" + _SUPERSCRIPTS + "]+")

_SENTENCE_RE = re.compile("[" + re.escape(_SENTENCE_CHARS) + "]+")
_PAUSE_RE = re.compile("[" + re.escape(_PAUSE_CHARS) + "]+")
_DROPPED_RE = re.compile("[" + re.escape(_DROPPED_CHARS) + "]")
_DASH_RE = re.compile("[" + re.escape(_DASHES) + "]")
# A full stop is a decimal point between digits and a clause break everywhere else.
_FULL_STOP_RE = re.compile(r"(?<![0-9])\.|\.(?![0-9])")
# A hyphen between words joins them (mini-batch, batch - norm); next to a digit or a single-letter
# variable (x - max, m - n) it is a minus sign.
_WORD_HYPHEN_RE = re.compile(r"(?<=[a-z]{2}) ?[-_] ?(?=[a-z]{2})")
_SPACE_RE = re.compile(r"[^\S\n]+")
# A spelled-out number starts with a digit or 十 and has a unit in it (九十九, 一百二十八, 两千); idioms
# such as 千万 and 万一 start with a unit, and 十分 or 一一 have no digit-unit pair, so they stay words.
_CHINESE_NUMBER_RE = re.compile("[零一二三四五六七八九两十][零一二三四五六七八九两十百千万]+")
_CHINESE_UNITS = frozenset("十百千万")
# A run of breaks is the strongest break in it: a sentence end absorbs the pauses around it.
_SPACED_SENTENCE_BREAK_RE = re.compile(r"[ ,]*\n[ ,\n]*")
_SPACED_PAUSE_RE = re.compile(r" ?,[ ,]*")


class _SymbolFolding(dict[int, str]):
    """A `str.translate` table that maps punctuation and symbols to a space, filled in as characters
    are first seen, so that folding runs at C speed. Formula symbols and clause breaks stay."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        kept = char in _KEPT_SYMBOLS or char == SENTENCE_BREAK
        folded = " " if not kept and unicodedata.category(char)[0] in "PSZC" else char
        self[codepoint] = folded
        return folded


_FOLD_SYMBOLS = _SymbolFolding()


def _spelled_number_to_digits(match: re.Match[str]) -> str:
    spelled = match.group(0)
    if not _CHINESE_UNITS.intersection(spelled):
        return spelled
    try:
        return str(cn2an.cn2an(spelled, "normal"))
    except (ValueError, KeyError):  # not a well-formed number after all, e.g. 十十
        return spelled


def _spell_sign(match: re.Match[str]) -> str:
    sign = match.group(0)
    return _SIGN_WORDS.get(sign) or "^" + "".join(str(_SUPERSCRIPTS.index(char)) for char in sign)


def normalize(text: str) -> str:
    """Return the comparable form: NFKC, case-folded, simplified Chinese, unified punctuation."""
    # Lone surrogates cannot reach the converter's UTF-8 boundary; NUL would end its C string early.
    text = text.encode("utf-8", "replace").decode("utf-8").replace("\0", " ")
    folded = unicodedata.normalize("NFKC", _SIGNS_RE.sub(_spell_sign, text)).casefold()
    folded = _T2S.convert(folded)
    folded = _CHINESE_NUMBER_RE.sub(_spelled_number_to_digits, folded)
    folded = _DASH_RE.sub("-", folded)
    numbers_apart = _NUMBER_TIMES_RE.split(folded)
    folded = _TIMES.join(_DROPPED_RE.sub("", piece) for piece in numbers_apart)
    folded = _FULL_STOP_RE.sub(SENTENCE_BREAK, folded)
    folded = _SENTENCE_RE.sub(SENTENCE_BREAK, folded)
    folded = _PAUSE_RE.sub(PAUSE, folded)
    folded = _WORD_HYPHEN_RE.sub(" ", folded)
    folded = folded.translate(_FOLD_SYMBOLS)
    folded = _SPACE_RE.sub(" ", folded)
    folded = _SPACED_SENTENCE_BREAK_RE.sub(SENTENCE_BREAK, folded)
    folded = _SPACED_PAUSE_RE.sub(PAUSE, folded)
    return folded.strip(" \n,")


@lru_cache(maxsize=65536)
def normalize_term(term: str) -> str:
    """Normalise a rubric term; terms are short and few, so the results are cached."""
    return normalize(term)


def is_ascii_word_char(char: str) -> bool:
    """Tell whether a character belongs to an ASCII word, where word boundaries matter."""
    return char.isascii() and char.isalnum()
