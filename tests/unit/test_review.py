from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating, State

from bot.core.review import EASY_FROM_SCORE, GOOD_FROM_SCORE, rating_for, schedule_review

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def reviews(*ratings):
    """Review a new card with each rating in turn, each time when it falls due."""
    state = schedule_review(None, ratings[0], NOW)
    for rating in ratings[1:]:
        state = schedule_review(state, rating, state.due)
    return state


class TestRatingFor:
    @pytest.mark.parametrize("score", [0, 100])
    def test_a_skip_is_again(self, score):
        assert rating_for(score, 60, skipped=True) is Rating.Again

    @pytest.mark.parametrize(("score", "pass_score"), [(0, 60), (59, 60), (79, 80)])
    def test_a_fail_is_again(self, score, pass_score):
        assert rating_for(score, pass_score) is Rating.Again

    @pytest.mark.parametrize("score", [60, GOOD_FROM_SCORE - 1])
    def test_a_bare_pass_is_hard(self, score):
        assert rating_for(score, 60) is Rating.Hard

    @pytest.mark.parametrize("score", [GOOD_FROM_SCORE, EASY_FROM_SCORE - 1])
    def test_a_solid_pass_is_good(self, score):
        assert rating_for(score, 60) is Rating.Good

    @pytest.mark.parametrize("score", [EASY_FROM_SCORE, 100])
    def test_a_near_perfect_pass_is_easy(self, score):
        assert rating_for(score, 60) is Rating.Easy

    @pytest.mark.parametrize("score", [60, 80, 100])
    def test_a_pass_with_hints_is_at_most_hard(self, score):
        assert rating_for(score, 60, hints_used=1) is Rating.Hard

    def test_a_fail_with_hints_is_still_again(self):
        assert rating_for(30, 60, hints_used=2) is Rating.Again

    def test_the_pass_score_decides_the_fail_boundary(self):
        assert rating_for(85, 90) is Rating.Again
        assert rating_for(50, 40) is Rating.Hard


class TestScheduleReview:
    def test_a_first_review_starts_from_a_new_card(self):
        state = schedule_review(None, Rating.Good, NOW)

        assert state.reps == 1
        assert state.lapses == 0
        assert state.last_review == NOW
        assert state.due > NOW
        assert state.stability is not None
        assert state.difficulty is not None

    def test_a_first_again_is_not_a_lapse(self):
        state = schedule_review(None, Rating.Again, NOW)

        assert (state.reps, state.lapses) == (1, 0)
        assert state.state == State.Learning.value

    def test_a_failed_card_comes_back_within_the_hour(self):
        assert schedule_review(None, Rating.Again, NOW).due <= NOW + timedelta(hours=1)

    def test_a_good_first_review_waits_at_least_a_day(self):
        assert schedule_review(None, Rating.Good, NOW).due >= NOW + timedelta(days=1)

    @pytest.mark.parametrize(("easier", "harder"), [(Rating.Easy, Rating.Good), (Rating.Good, Rating.Hard)])
    def test_a_better_rating_waits_at_least_as_long(self, easier, harder):
        assert schedule_review(None, easier, NOW).due >= schedule_review(None, harder, NOW).due

    def test_reviews_chain_from_the_previous_state(self):
        first = reviews(Rating.Good)
        second = schedule_review(first, Rating.Good, first.due)

        assert second.reps == 2
        assert second.last_review == first.due
        assert second.due - first.due > first.due - NOW

    def test_due_moves_forward_after_each_good_review(self):
        dues = [reviews(*[Rating.Good] * count).due for count in range(1, 5)]

        assert dues == sorted(dues)
        assert len(set(dues)) == len(dues)

    def test_again_after_the_first_review_counts_a_lapse(self):
        state = reviews(Rating.Good, Rating.Good, Rating.Again)

        assert (state.reps, state.lapses) == (3, 1)
        assert state.state == State.Relearning.value

    def test_lapses_accumulate(self):
        assert reviews(Rating.Good, Rating.Again, Rating.Good, Rating.Again).lapses == 2

    def test_a_lapse_brings_the_card_back_sooner_than_a_good_review(self):
        before = reviews(Rating.Good, Rating.Good)

        lapsed = schedule_review(before, Rating.Again, before.due)
        kept = schedule_review(before, Rating.Good, before.due)

        assert lapsed.due < kept.due

    def test_scheduling_is_deterministic(self):
        assert reviews(Rating.Good, Rating.Hard, Rating.Easy) == reviews(
            Rating.Good, Rating.Hard, Rating.Easy
        )

    def test_a_naive_now_is_rejected(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            schedule_review(None, Rating.Good, datetime(2026, 3, 2, 9, 0))

    def test_an_aware_now_in_another_zone_is_accepted(self):
        local_now = NOW.astimezone(ZoneInfo("Asia/Shanghai"))

        assert schedule_review(None, Rating.Good, local_now) == schedule_review(None, Rating.Good, NOW)
