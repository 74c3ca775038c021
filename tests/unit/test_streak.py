from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.streak import (
    DAYS_PER_FREEZE,
    MAX_FREEZES,
    Streak,
    current_streak,
    local_day,
    missed_days,
    record_activity,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC_ZONE = ZoneInfo("UTC")
DAY = date(2026, 3, 2)


def days_after(start, count):
    return start + timedelta(days=count)


def active_on(*offsets):
    streak = Streak()
    for offset in offsets:
        streak = record_activity(streak, days_after(DAY, offset))
    return streak


def run_of(length, first=0):
    return active_on(*range(first, first + length))


class TestLocalDay:
    def test_an_answer_after_the_day_start_counts_for_that_day(self):
        assert local_day(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), SHANGHAI, 4) == date(2026, 3, 2)

    def test_an_answer_before_the_day_start_counts_for_the_previous_day(self):
        assert local_day(datetime(2026, 3, 2, 2, 0, tzinfo=SHANGHAI), SHANGHAI, 4) == date(2026, 3, 1)

    def test_the_day_starts_exactly_at_the_start_hour(self):
        assert local_day(datetime(2026, 3, 2, 4, 0, tzinfo=SHANGHAI), SHANGHAI, 4) == date(2026, 3, 2)
        assert local_day(datetime(2026, 3, 2, 3, 59, 59, tzinfo=SHANGHAI), SHANGHAI, 4) == date(2026, 3, 1)

    def test_a_midnight_day_start_uses_the_calendar_day(self):
        assert local_day(datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI), SHANGHAI, 0) == date(2026, 3, 2)

    def test_the_same_instant_falls_on_different_days_in_different_zones(self):
        instant = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)

        assert local_day(instant, SHANGHAI, 4) == date(2026, 3, 2)
        assert local_day(instant, UTC_ZONE, 4) == date(2026, 3, 1)

    def test_an_instant_in_another_zone_is_converted_first(self):
        late_evening_utc = datetime(2026, 3, 1, 19, 30, tzinfo=UTC)

        assert local_day(late_evening_utc, SHANGHAI, 4) == date(2026, 3, 1)

    def test_a_naive_datetime_is_rejected(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            local_day(datetime(2026, 3, 2, 9, 0), SHANGHAI, 4)


class TestRecordActivity:
    def test_the_first_answer_starts_a_streak_of_one(self):
        assert record_activity(Streak(), DAY) == Streak(current=1, best=1, freezes=0, last_day=DAY)

    def test_consecutive_days_extend_the_streak(self):
        assert active_on(0, 1, 2) == Streak(current=3, best=3, freezes=0, last_day=days_after(DAY, 2))

    def test_a_second_answer_on_the_same_day_changes_nothing(self):
        streak = active_on(0, 1)

        assert record_activity(streak, days_after(DAY, 1)) is streak

    def test_an_answer_dated_before_the_last_day_changes_nothing(self):
        streak = active_on(0, 1)

        assert record_activity(streak, DAY) is streak

    def test_a_missed_day_without_a_freeze_resets_the_streak(self):
        streak = active_on(0, 1, 2, 4)

        assert (streak.current, streak.best) == (1, 3)

    def test_a_freeze_is_earned_after_seven_days(self):
        assert run_of(DAYS_PER_FREEZE - 1).freezes == 0
        assert run_of(DAYS_PER_FREEZE).freezes == 1

    def test_another_freeze_is_earned_every_seven_days(self):
        assert run_of(2 * DAYS_PER_FREEZE).freezes == 2

    def test_at_most_two_freezes_are_held(self):
        assert MAX_FREEZES == 2
        assert run_of(3 * DAYS_PER_FREEZE).freezes == MAX_FREEZES

    def test_a_held_freeze_forgives_a_missed_day_and_is_used_up(self):
        streak = record_activity(run_of(DAYS_PER_FREEZE), days_after(DAY, DAYS_PER_FREEZE + 1))

        assert (streak.current, streak.freezes) == (DAYS_PER_FREEZE + 1, 0)

    def test_two_freezes_forgive_two_missed_days(self):
        streak = record_activity(run_of(2 * DAYS_PER_FREEZE), days_after(DAY, 2 * DAYS_PER_FREEZE + 2))

        assert (streak.current, streak.freezes) == (2 * DAYS_PER_FREEZE + 1, 0)

    def test_two_missed_days_with_one_freeze_reset_the_streak(self):
        streak = record_activity(run_of(DAYS_PER_FREEZE), days_after(DAY, DAYS_PER_FREEZE + 2))

        assert (streak.current, streak.best) == (1, DAYS_PER_FREEZE)

    def test_the_best_streak_is_kept_after_a_reset(self):
        streak = active_on(0, 1, 2, 3, 10, 11)

        assert (streak.current, streak.best) == (2, 4)

    def test_the_best_streak_follows_a_new_longer_run(self):
        streak = active_on(0, 1, 5, 6, 7)

        assert (streak.current, streak.best) == (3, 3)

    def test_the_input_streak_is_not_changed(self):
        before = active_on(0, 1, 2)
        snapshot = Streak(before.current, before.best, before.freezes, before.last_day)

        after = record_activity(before, days_after(DAY, 3))

        assert before == snapshot
        assert after is not before

    def test_a_streak_cannot_be_changed_in_place(self):
        with pytest.raises(FrozenInstanceError):
            Streak().current = 5


class TestMissedDays:
    @pytest.mark.parametrize(("offset", "missed"), [(0, 0), (1, 0), (2, 1), (5, 4), (-3, 0)])
    def test_counts_days_strictly_between_the_last_day_and_the_given_day(self, offset, missed):
        assert missed_days(Streak(current=1, best=1, last_day=DAY), days_after(DAY, offset)) == missed

    def test_no_activity_means_nothing_missed(self):
        assert missed_days(Streak(), DAY) == 0


class TestCurrentStreak:
    def test_no_activity_is_a_streak_of_zero(self):
        assert current_streak(Streak(), DAY) == 0

    @pytest.mark.parametrize("offset", [0, 1])
    def test_the_streak_holds_on_its_last_day_and_the_next(self, offset):
        assert current_streak(active_on(0, 1, 2), days_after(DAY, 2 + offset)) == 3

    def test_the_streak_is_lost_once_a_day_is_missed_without_freezes(self):
        assert current_streak(active_on(0, 1, 2), days_after(DAY, 4)) == 0

    def test_the_streak_is_kept_while_freezes_cover_the_missed_days(self):
        streak = run_of(2 * DAYS_PER_FREEZE)
        last = 2 * DAYS_PER_FREEZE - 1

        assert current_streak(streak, days_after(DAY, last + 3)) == 2 * DAYS_PER_FREEZE
        assert current_streak(streak, days_after(DAY, last + 4)) == 0

    def test_reading_the_streak_does_not_use_up_freezes(self):
        streak = run_of(DAYS_PER_FREEZE)

        current_streak(streak, days_after(DAY, DAYS_PER_FREEZE + 1))

        assert streak.freezes == 1
