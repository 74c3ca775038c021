"""Grade a free-text answer against a keyword rubric."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from bot.core.normalize import CLAUSE_BREAKS, SENTENCE_BREAK, is_ascii_word_char, normalize
from bot.core.rubric import KeyPoint, Rubric, search_keys

HINT_PENALTY = 20
MAX_SCORE = 100

# How far back, in CJK characters or ASCII words, a negation still governs a key point.
NEGATION_WINDOW_UNITS = 6

# Compounds that start like a negation but do not negate (不同 "different", 不仅 "not only"...).
_NEGATION_RE = re.compile(
    r"(?<!差)不(?!同|断|仅|但|少|管|论|得不|久|过|错|只|止|一样|变|好|够|足|等式|平衡|均衡|稳定)"
    r"|没|未(?!来|知)|以为|误认为|误解|无法|无需|无须|无(?!论|穷|关|偏|监督|限|损)|并非|非(?!常|但|线性|零|负)|勿"
    r"|(?<![a-z])(?:not(?! ?only)|no(?! ?matter)|never|cannot|cant|dont|doesnt|didnt|wont|isnt|arent"
    r"|wasnt|werent|without|neither|nor|hardly|fails? to)(?![a-z])"
)
# "不是 A 而是 B": the negation governs A, and a turn like 而是 ends its reach.
_CONTRAST_RE = re.compile(r"而是|但是|却|(?<![a-z])(?:but|rather|instead)(?![a-z])")
# A negation that follows the term it denies: "跟 X 没关系", "X 是错的", "X is wrong".
_DENIAL_AFTER_RE = re.compile(
    r" ?(?:并?没有?(?:什么|任何)?关系|无关|不相关|是错的|是错误的|不对|不成立"
    r"|(?:is|are) (?:wrong|false|a myth)|has nothing to do|have nothing to do)"
)
# How many words or CJK characters may stand between a term and the denial that follows it.
DENIAL_AFTER_GAP = 4
# Words and CJK characters count towards the negation window; punctuation and symbols do not.
_UNIT_RE = re.compile(r"[a-z0-9]+|[^\W_a-z0-9]")
# A bare list of keywords names the points without showing they are understood; an interviewer would
# not pass it, so its score stops below a typical pass mark.
KEYWORD_LIST_CAP = 50
# Words that join terms into sentences; an answer with none of them is a bare list of keywords.
_CONNECTIVES_RE = re.compile(
    r"[的是了会能让把被就也都而有但使按]|因为|所以|可以|通过|导致|如果|并且|时候|需要|用来|相当于"
    r"|防止|避免|减少|增加|提高|降低|保证"
    r"|(?<![a-z])(?:is|are|was|were|be|the|an?|of|to|with|by|for|can|will|because|so|that|which|when"
    r"|it|as|has|have|per|each|if|then|into|makes?|uses?)(?![a-z])"
)

# Stating a key point as false is worse than leaving it out: it takes back what making it would give.
# A common mistake, stated, costs its weight the same way.
NEGATED_PENALTY = 1.0


@dataclass(frozen=True, slots=True)
class Reach:
    """How far one part of an `&` term may stand from the next: at most `gap` words or CJK
    characters, with none of the `stops` between them."""

    gap: int
    stops: str


# A key point's parts stay within one sentence. A mistake must be stated within one clause: a correct
# answer often names the same things in other roles nearby ("BERT 用编码器，GPT 用解码器").
POINT_REACH = Reach(gap=8, stops=SENTENCE_BREAK)
MISTAKE_REACH = Reach(gap=5, stops=CLAUSE_BREAKS)
# A turn between two parts (A 而 B, A but B) sets them against each other rather than joining them.
_PART_BREAK_RE = re.compile(
    r"而是|但是|却|然而|反而|(?<![从因进继])而(?![且言])|(?<![a-z])(?:but|whereas|while|instead)(?![a-z])"
)
# With a reference answer, wording it shares fills this part of the gap the key points leave,
# all of that part once the answer covers this share of the reference's wording.
REFERENCE_SHARE = 0.35
REFERENCE_FULL_COVERAGE = 0.3
_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]+")
_WORD_RE = re.compile(r"[a-z][a-z0-9]{2,}")

# An English term may take an ending, but must not run on into a longer word.
_ENGLISH_ENDING_RE = re.compile("(?:s|es|d|ed|ing)?(?![a-z])")


@dataclass(frozen=True, slots=True)
class GradeResult:
    """How an answer fared against a rubric; the three point lists are disjoint."""

    score: int
    passed: bool
    matched: tuple[KeyPoint, ...]
    missed: tuple[KeyPoint, ...]
    negated: tuple[KeyPoint, ...]
    raw_score: int
    keyword_list: bool = False  # the answer only lists keywords, so its score is capped
    mistaken: tuple[KeyPoint, ...] = ()  # common mistakes the answer states

    @property
    def unmet(self) -> tuple[KeyPoint, ...]:
        """Points the answer did not earn: negated first, since they are the likelier misconception."""
        return self.negated + self.missed


@dataclass(frozen=True, slots=True)
class SearchText:
    """Normalised answer text, and the same without spaces, where terms are looked up.

    Spacing inside a term is optional (`batch norm` = `batchnorm`, `2 m n + 1` = `2mn+1`), so terms
    are found as plain substrings of the spaceless text, which is far cheaper than a pattern per term;
    word boundaries and negations are then judged in the spaced text.
    """

    text: str
    compact: str
    origin: tuple[int, ...]  # where each character of `compact` sits in `text`

    @classmethod
    def of(cls, text: str) -> SearchText:
        """Index normalised text."""
        origin = tuple(index for index, char in enumerate(text) if char != " ")
        return cls(text, "".join(text[index] for index in origin), origin)

    def spans(self, key: str) -> Iterator[tuple[int, int]]:
        """Where a search key occurs in `text`, as (start, end), keeping ASCII words whole."""
        found = self.compact.find(key)
        while found >= 0:
            start, end = self.origin[found], self.origin[found + len(key) - 1] + 1
            end = _word_end(self.text, start, end, key)
            if end is not None:
                yield start, end
            found = self.compact.find(key, found + 1)


@lru_cache(maxsize=16384)
def _point_keys(terms: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(keys for keys in map(search_keys, terms) if all(keys))


def _word_end(text: str, start: int, end: int, key: str) -> int | None:
    """The end of the occurrence with any English ending, or None if it lies inside a longer word."""
    if is_ascii_word_char(key[0]) and start > 0 and _is_ascii_alnum(text[start - 1]):
        return None
    if not is_ascii_word_char(key[-1]):
        return end
    if key[-1].isdigit():
        return None if end < len(text) and text[end].isdigit() else end
    ending = _ENGLISH_ENDING_RE.match(text, end)
    return ending.end() if ending else None


def _is_ascii_alnum(char: str) -> bool:
    return "a" <= char <= "z" or "0" <= char <= "9"


def is_negated(text: str, start: int, since: int = 0) -> bool:
    """Tell whether a negation word precedes position `start` closely, within the same clause and
    not before `since`."""
    clause_start = max(since, *(text.rfind(mark, 0, start) + 1 for mark in CLAUSE_BREAKS))
    units = list(_UNIT_RE.finditer(text, clause_start, start))
    if not units:
        return False
    window_start = units[-NEGATION_WINDOW_UNITS:][0].start()
    for turn in _CONTRAST_RE.finditer(text, window_start, start):
        window_start = turn.end()
    return any(
        not _is_a_not_a(text, negation.start(), negation.end())
        for negation in _NEGATION_RE.finditer(text, window_start, start)
    )


def _is_a_not_a(text: str, start: int, end: int) -> bool:
    """是不是, 有没有, 会不会: a question form, not a negation."""
    return start > 0 and end < len(text) and text[start - 1] == text[end] and end - start == 1


def is_denied_after(text: str, end: int) -> bool:
    """Tell whether the clause goes on, within a few words after position `end`, to deny what precedes."""
    clause_end = min(
        (found for mark in CLAUSE_BREAKS if (found := text.find(mark, end)) >= 0), default=len(text)
    )
    denial = _DENIAL_AFTER_RE.search(text, end, clause_end)
    if denial is None:
        return False
    return len(_UNIT_RE.findall(text, end, denial.start())) <= DENIAL_AFTER_GAP


def occurrences(
    answer: SearchText, keys: tuple[str, ...], reach: Reach = POINT_REACH
) -> Iterator[tuple[tuple[int, int], ...]]:
    """Where a term, given by its search keys, occurs: for each occurrence of its first part, the
    nearest chain of the others."""
    first, *rest = keys
    for span in answer.spans(first):
        chain = [span]
        for key in rest:
            following = _next_span(answer, key, chain[-1][1], reach)
            if following is None:
                break
            chain.append(following)
        else:
            yield tuple(chain)


def _next_span(answer: SearchText, key: str, after: int, reach: Reach) -> tuple[int, int] | None:
    for start, end in answer.spans(key):
        if start < after:
            continue
        between = answer.text[after:start]
        joined = not any(mark in between for mark in reach.stops) and not _PART_BREAK_RE.search(between)
        return (start, end) if joined and len(_UNIT_RE.findall(between)) <= reach.gap else None
    return None


def find_point(answer: SearchText, point: KeyPoint) -> bool | None:
    """Return True if the point is made, False if it is only mentioned negated, None if absent."""
    mentioned = False
    reach = MISTAKE_REACH if point.mistake else POINT_REACH
    for keys in _point_keys(point.terms):
        # Most terms are absent from most answers; a plain substring test rules them out cheaply.
        if not all(key in answer.compact for key in keys):
            continue
        for chain in occurrences(answer, keys, reach):
            # A later part is negated only by words after the part before it, which belong to the term.
            since = (0, *(end for _, end in chain[:-1]))
            negated = any(
                is_negated(answer.text, start, after) for (start, _), after in zip(chain, since, strict=True)
            )
            if not (negated or is_denied_after(answer.text, chain[-1][1])):
                return True
            mentioned = True
    return False if mentioned else None


def is_keyword_list(text: str) -> bool:
    """Tell whether normalised text is only terms: not one word that would join them into a sentence.

    Adding text can only end a list, never start one, so the cap never lowers a score for saying more.
    """
    return _CONNECTIVES_RE.search(text) is None


def wording_units(text: str) -> frozenset[str]:
    """The CJK character pairs and English words of normalised text: what two wordings can share."""
    units = {run[index : index + 2] for run in _CJK_RUN_RE.findall(text) for index in range(len(run) - 1)}
    units.update(_WORD_RE.findall(text))
    return frozenset(units)


@lru_cache(maxsize=4096)
def _reference_units(reference: str) -> frozenset[str]:
    return wording_units(normalize(reference))


def reference_coverage(text: str, reference: str) -> float:
    """How much of the reference answer's wording normalised answer text shares, 0..1."""
    wanted = _reference_units(reference)
    return len(wording_units(text) & wanted) / len(wanted) if wanted else 0.0


def grade(
    answer: str, rubric: Rubric, pass_score: int = 60, hints_used: int = 0, reference: str = ""
) -> GradeResult:
    """Score an answer 0-100: mostly the weighted share of key points made, less those it denies and
    the common mistakes it states.

    Given the reference answer, a small share of the score follows how much of its wording the answer
    covers, so an answer that explains earns more than one that only names the points.
    """
    text = normalize(answer)
    searchable = SearchText.of(text)
    matched: list[KeyPoint] = []
    missed: list[KeyPoint] = []
    negated: list[KeyPoint] = []
    for point in rubric.points:
        found = find_point(searchable, point)
        if found:
            matched.append(point)
        elif found is None:
            missed.append(point)
        else:
            negated.append(point)
    mistaken = [mistake for mistake in rubric.mistakes if find_point(searchable, mistake)]
    total = rubric.total_weight
    lost = sum(point.weight for point in (*negated, *mistaken))
    earned = sum(point.weight for point in matched) - NEGATED_PENALTY * lost
    share = max(0.0, earned / total) if total else 0.0
    if reference:
        covered = min(1.0, reference_coverage(text, reference) / REFERENCE_FULL_COVERAGE)
        share += REFERENCE_SHARE * covered * (1 - share)
    raw_score = _round_half_up(MAX_SCORE * share)
    keyword_list = is_keyword_list(text)
    score = min(raw_score, hint_cap(hints_used), KEYWORD_LIST_CAP if keyword_list else MAX_SCORE)
    if any(point.required for point in (*missed, *negated)):
        score = min(score, max(0, pass_score - 1))
    return GradeResult(
        score=score,
        passed=score >= pass_score,
        matched=tuple(matched),
        missed=tuple(missed),
        negated=tuple(negated),
        raw_score=raw_score,
        keyword_list=keyword_list,
        mistaken=tuple(mistaken),
    )


def hint_cap(hints_used: int) -> int:
    """The best score still possible after taking hints."""
    return max(0, MAX_SCORE - HINT_PENALTY * hints_used)


def _round_half_up(value: float) -> int:
    return int(value + 0.5)
