import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.mastery import MIN_ANSWERS_FOR_WEAKNESS, TopicProgress
from bot.core.selection import RECENT_WINDOW, Candidates, Pick, SelectionPool, choose_next

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def hours(count):
    return NOW + timedelta(hours=count)


def pool(candidates, due=None, recent=(), progress=None):
    return SelectionPool(
        candidates=Candidates.of(candidates),
        reviewed=list(due or {}),
        due=due or {},
        recent=list(recent),
        progress=progress or {},
    )


def choose(selection_pool, seed=0):
    return choose_next(selection_pool, NOW, random.Random(seed))


def judged(topic, mastery):
    return TopicProgress(topic, answers=MIN_ANSWERS_FOR_WEAKNESS, score_sum=0, mastery=mastery)


def topic_counts(selection_pool, topic_of, draws=2000, seed=7):
    rng = random.Random(seed)
    return Counter(topic_of[choose_next(selection_pool, NOW, rng).question_id] for _ in range(draws))


class TestDueReviews:
    def test_a_due_review_comes_before_new_questions(self):
        assert choose(pool({"cnn": [1, 2, 3]}, due={2: hours(-1)})) == Pick(2, "due")

    def test_the_most_overdue_review_comes_first(self):
        due = {1: hours(-1), 2: hours(-48), 3: hours(-5)}

        assert choose(pool({"cnn": [1, 2, 3]}, due=due)) == Pick(2, "due")

    def test_a_review_due_exactly_now_is_due(self):
        assert choose(pool({"cnn": [1]}, due={1: NOW})) == Pick(1, "due")

    def test_a_review_due_later_is_not_due(self):
        assert choose(pool({"cnn": [1, 2]}, due={1: hours(1)})) == Pick(2, "new")

    def test_reviews_outside_the_scope_are_ignored(self):
        assert choose(pool({"cnn": [1]}, due={9: hours(-10)})) == Pick(1, "new")

    def test_the_last_question_is_never_asked_again_straight_away(self):
        due = {1: hours(-100), 2: hours(-1)}

        assert choose(pool({"cnn": [1, 2]}, due=due, recent=[1])) == Pick(2, "due")

    def test_a_due_review_in_the_recent_window_waits(self):
        recent = [10 + index for index in range(RECENT_WINDOW - 1)] + [1]
        candidates = {"cnn": [1, 2, *recent]}
        due = {qid: hours(1) for qid in recent} | {1: hours(-100), 2: hours(-1)}

        assert choose(pool(candidates, due=due, recent=recent)) == Pick(2, "due")

    def test_a_review_asked_before_the_recent_window_can_come_back(self):
        recent = [10 + index for index in range(RECENT_WINDOW)] + [1]
        candidates = {"cnn": [1, *recent]}
        due = {qid: hours(1) for qid in recent} | {1: hours(-1)}

        assert choose(pool(candidates, due=due, recent=recent)) == Pick(1, "due")

    def test_questions_outside_the_scope_do_not_use_up_the_recent_window(self):
        recent = [1, *range(100, 100 + RECENT_WINDOW)]

        assert choose(pool({"cnn": [1, 2]}, due={1: hours(-5), 2: hours(3)}, recent=recent)) == Pick(
            2, "ahead"
        )


class TestNewQuestions:
    def test_a_new_question_is_an_unseen_candidate(self):
        pick = choose(pool({"cnn": [1, 2, 3]}, due={1: hours(5)}, recent=[2]))

        assert pick == Pick(3, "new")

    def test_new_questions_come_from_every_unseen_candidate(self):
        rng = random.Random(3)
        selection_pool = pool({"cnn": [1, 2, 3], "rnn": [4, 5]}, due={1: hours(5)})

        picks = {choose_next(selection_pool, NOW, rng).question_id for _ in range(200)}

        assert picks == {2, 3, 4, 5}

    def test_the_same_seed_gives_the_same_pick(self):
        selection_pool = pool({"cnn": list(range(1, 50)), "rnn": list(range(50, 90))})

        assert [choose(selection_pool, seed) for seed in range(20)] == [
            choose(selection_pool, seed) for seed in range(20)
        ]

    def test_weak_topics_supply_more_new_questions(self):
        topic_of = {qid: "weak" for qid in range(1, 21)} | {qid: "strong" for qid in range(21, 41)}
        selection_pool = pool(
            {"weak": list(range(1, 21)), "strong": list(range(21, 41))},
            progress={"weak": judged("weak", 0.1), "strong": judged("strong", 0.9)},
        )

        counts = topic_counts(selection_pool, topic_of)

        assert counts["weak"] > 2.5 * counts["strong"]

    def test_an_unjudged_topic_weighs_the_same_as_a_half_mastered_one(self):
        candidates = {"a": [1, 2], "b": [3, 4], "c": [5, 6]}
        unjudged = pool(
            candidates,
            progress={"a": judged("a", 0.2), "c": TopicProgress("c", answers=MIN_ANSWERS_FOR_WEAKNESS - 1)},
        )
        half_mastered = pool(
            candidates, progress={"a": judged("a", 0.2), "b": judged("b", 0.5), "c": judged("c", 0.5)}
        )

        assert [choose(unjudged, seed) for seed in range(200)] == [
            choose(half_mastered, seed) for seed in range(200)
        ]

    def test_a_topic_with_too_few_attempts_is_not_treated_as_weak(self):
        topic_of = {1: "new", 2: "judged"}
        selection_pool = pool(
            {"new": [1], "judged": [2]},
            progress={
                "new": TopicProgress("new", skips=MIN_ANSWERS_FOR_WEAKNESS - 1),
                "judged": judged("judged", 0.5),
            },
        )

        counts = topic_counts(selection_pool, topic_of)

        assert 0.45 < counts["new"] / 2000 < 0.55

    def test_a_topic_with_no_unseen_questions_supplies_none(self):
        selection_pool = pool(
            {"weak": [1], "strong": [2, 3]}, due={1: hours(5)}, progress={"weak": judged("weak", 0.0)}
        )

        assert {choose(selection_pool, seed).question_id for seed in range(50)} == {2, 3}


class TestNothingDueNorNew:
    def test_the_review_due_soonest_is_asked_ahead_of_time(self):
        due = {1: hours(30), 2: hours(2), 3: hours(10)}

        assert choose(pool({"cnn": [1, 2, 3]}, due=due)) == Pick(2, "ahead")

    def test_asking_ahead_skips_recent_questions(self):
        due = {1: hours(30), 2: hours(2)}

        assert choose(pool({"cnn": [1, 2]}, due=due, recent=[2])) == Pick(1, "ahead")

    def test_an_exhausted_bank_repeats_the_least_recently_asked(self):
        due = {qid: hours(5) for qid in (1, 2, 3)}

        assert choose(pool({"cnn": [1, 2, 3]}, due=due, recent=[3, 2, 1])) == Pick(1, "repeat")

    def test_the_least_recently_asked_goes_by_the_latest_ask(self):
        due = {qid: hours(5) for qid in (1, 2, 3)}

        assert choose(pool({"cnn": [1, 2, 3]}, due=due, recent=[2, 1, 3, 2, 1])) == Pick(3, "repeat")

    def test_a_small_exhausted_bank_cycles_through_every_question(self):
        due = {qid: hours(5) for qid in (1, 2, 3)}
        recent = [3, 2, 1]
        asked = []
        for _ in range(6):
            pick = choose(pool({"cnn": [1, 2, 3]}, due=due, recent=recent[:RECENT_WINDOW]))
            asked.append(pick.question_id)
            recent.insert(0, pick.question_id)

        assert asked == [1, 2, 3, 1, 2, 3]

    def test_a_single_question_bank_returns_it(self):
        assert choose(pool({"cnn": [1]}, due={1: hours(5)}, recent=[1])) == Pick(1, "only")

    def test_a_single_question_never_asked_is_new(self):
        assert choose(pool({"cnn": [1]})) == Pick(1, "new")

    def test_an_empty_pool_gives_nothing(self):
        assert choose(pool({})) is None

    def test_a_scope_with_no_questions_gives_nothing(self):
        assert choose(pool({"cnn": []}, due={1: hours(-1)}, recent=[1, 2])) is None


recent_histories = st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=RECENT_WINDOW)


class TestProperties:
    @PROPERTY_SETTINGS
    @given(recent=recent_histories)
    def test_an_exhausted_bank_repeats_the_question_whose_latest_ask_is_oldest(self, recent):
        asked = set(recent)
        selection_pool = pool({"cnn": sorted(asked)}, due={qid: hours(5) for qid in asked}, recent=recent)
        latest_ask = {qid: recent.index(qid) for qid in asked}

        pick = choose(selection_pool)

        if len(asked) == 1:
            assert pick == Pick(recent[0], "only")
        else:
            assert pick == Pick(max(latest_ask, key=latest_ask.get), "repeat")

    @PROPERTY_SETTINGS
    @given(
        candidates=st.dictionaries(
            st.sampled_from(["cnn", "rnn", "优化"]),
            st.lists(st.integers(1, 30), max_size=8, unique=True),
            max_size=3,
        ),
        due=st.dictionaries(st.integers(1, 30), st.integers(-72, 72).map(hours), max_size=20),
        recent=st.lists(st.integers(1, 40), max_size=15),
        seed=st.integers(0, 2**32),
    )
    def test_a_pick_is_in_scope_and_never_the_last_question_unless_it_is_alone(
        self, candidates, due, recent, seed
    ):
        in_scope = {qid for ids in candidates.values() for qid in ids}

        pick = choose(pool(candidates, due=due, recent=recent), seed)

        assert (pick is None) == (not in_scope)
        if pick is not None:
            assert pick.question_id in in_scope
            recent_in_scope = [qid for qid in recent if qid in in_scope]
            if recent_in_scope and pick.question_id == recent_in_scope[0]:
                assert pick.reason == "only"
            if pick.reason in ("due", "new", "ahead"):
                assert pick.question_id not in recent_in_scope[:RECENT_WINDOW]
            if pick.reason == "due":
                assert due[pick.question_id] <= NOW
            if pick.reason == "new":
                assert pick.question_id not in due


def test_a_reviewed_question_without_a_known_due_date_is_still_not_new():
    selection_pool = SelectionPool(
        candidates=Candidates.of({"cnn": [1, 2, 3]}),
        reviewed=[1, 2],
        due={1: hours(5)},
        recent=[],
        progress={},
    )

    assert choose(selection_pool) == Pick(3, "new")
