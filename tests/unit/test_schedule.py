from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from bot.core.schedule import (
    TIMEZONE_EXAMPLES,
    DailyCommand,
    ScheduleError,
    due_today,
    local_date_of,
    next_push_at,
    parse_daily_command,
    parse_daily_time,
    parse_timezone,
    push_instant,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
UTC_ZONE = ZoneInfo("UTC")
KOLKATA = ZoneInfo("Asia/Kolkata")
CHATHAM = ZoneInfo("Pacific/Chatham")
HAVANA = ZoneInfo("America/Havana")

SPRING_2026 = date(2026, 3, 29)
AUTUMN_2026 = date(2026, 10, 25)
CET = timedelta(hours=1)
CEST = timedelta(hours=2)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def in_berlin(instant):
    local = instant.astimezone(BERLIN)
    return local.replace(tzinfo=None), local.utcoffset()


class TestParseDailyTime:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("07:05", time(7, 5)),
            ("7:05", time(7, 5)),
            ("00:00", time(0, 0)),
            ("23:59", time(23, 59)),
            (" 21:30 ", time(21, 30)),
            ("０７：３０", time(7, 30)),
            ("７:３０", time(7, 30)),
            ("7：30", time(7, 30)),
            ("１９：０５", time(19, 5)),
        ],
    )
    def test_accepts_24_hour_times(self, text, expected):
        assert parse_daily_time(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "25:00",
            "24:00",
            "12:60",
            "noon",
            "7",
            "",
            "   ",
            "7:5",
            "07:05:00",
            "-1:00",
            "7.30",
            "007:05",
            "٠٧:٣٠",
        ],
    )
    def test_rejects_anything_else(self, text):
        with pytest.raises(ScheduleError):
            parse_daily_time(text)

    def test_error_is_a_value_error_with_a_short_english_reason(self):
        with pytest.raises(ValueError, match="hour") as caught:
            parse_daily_time("25:00")
        assert str(caught.value).isascii()
        assert len(str(caught.value)) < 80

    def test_minute_out_of_range_names_the_minute(self):
        with pytest.raises(ScheduleError, match="minute"):
            parse_daily_time("12:60")


class TestParseTimezone:
    @pytest.mark.parametrize(
        "name", [*TIMEZONE_EXAMPLES, "Asia/Kolkata", "Pacific/Chatham", "America/Argentina/Buenos_Aires"]
    )
    def test_accepts_iana_names(self, name):
        assert parse_timezone(name).key == name

    def test_surrounding_whitespace_is_ignored(self):
        assert parse_timezone("  Europe/Berlin\n").key == "Europe/Berlin"

    @pytest.mark.parametrize(
        "name",
        [
            "",
            "   ",
            "Asia",
            "America",
            "America/Argentina",
            "Mars/Olympus_Mons",
            "Asia/Shanghai/",
            "A" * 200,
            "Asia/" + "x" * 80,
            "../etc/passwd",
            "Asia/../UTC",
            "/etc/localtime",
            "/usr/share/zoneinfo/UTC",
            "Asia\\Shanghai",
            "Asia/Shanghai\x00",
            "UTC+8",
        ],
    )
    def test_rejects_unknown_names_folders_and_path_tricks(self, name):
        with pytest.raises(ScheduleError):
            parse_timezone(name)

    @pytest.mark.parametrize(
        ("name", "suggestion"),
        [
            ("asia/shanghai", "Asia/Shanghai"),
            ("EUROPE/BERLIN", "Europe/Berlin"),
            ("utc", "UTC"),
            ("America/New York", "America/New_York"),
            ("america/new_york", "America/New_York"),
        ],
    )
    def test_wrong_case_is_rejected_with_the_iana_spelling_suggested(self, name, suggestion):
        with pytest.raises(ScheduleError, match="did you mean") as caught:
            parse_timezone(name)
        assert caught.value.suggestion == suggestion
        assert suggestion in str(caught.value)

    def test_an_unknown_name_lists_examples_and_suggests_nothing(self):
        with pytest.raises(ScheduleError) as caught:
            parse_timezone("Mars/Olympus_Mons")
        assert caught.value.suggestion is None
        assert all(example in str(caught.value) for example in TIMEZONE_EXAMPLES)


class TestParseDailyCommand:
    @pytest.mark.parametrize("argument", ["", "   ", "\n"])
    def test_nothing_shows_the_setting(self, argument):
        assert parse_daily_command(argument) == DailyCommand("show", None, None)

    @pytest.mark.parametrize("argument", ["off", "OFF", "Off", " off ", "关闭"])
    def test_off_unsubscribes(self, argument):
        assert parse_daily_command(argument) == DailyCommand("off", None, None)

    def test_a_time_alone_keeps_the_chats_zone(self):
        assert parse_daily_command("7:30") == DailyCommand("on", time(7, 30), None)

    def test_a_time_and_a_zone(self):
        assert parse_daily_command("07:30 Asia/Shanghai") == DailyCommand("on", time(7, 30), "Asia/Shanghai")

    def test_full_width_time_and_ideographic_space(self):
        assert parse_daily_command("０７：３０\u3000Europe/Berlin") == DailyCommand(
            "on", time(7, 30), "Europe/Berlin"
        )

    @pytest.mark.parametrize(
        "argument",
        [
            "tomorrow",
            "Asia/Shanghai",
            "off now",
            "关闭 07:30",
            "25:00",
            "07:30 Mars/Base",
            "07:30 Asia",
            "07:30 Asia/Shanghai extra",
            "Asia/Shanghai 07:30",
        ],
    )
    def test_rejects_anything_else(self, argument):
        with pytest.raises(ScheduleError):
            parse_daily_command(argument)

    def test_a_miscased_zone_carries_the_suggestion(self):
        with pytest.raises(ScheduleError) as caught:
            parse_daily_command("07:30 asia/shanghai")
        assert caught.value.suggestion == "Asia/Shanghai"

    def test_command_is_frozen(self):
        command = parse_daily_command("07:30")
        with pytest.raises(FrozenInstanceError):
            command.action = "off"


class TestNextPushAtInSeveralZones:
    @pytest.mark.parametrize(
        ("zone", "now", "expected"),
        [
            (SHANGHAI, utc(2026, 3, 2, 12, 0), utc(2026, 3, 2, 23, 0)),
            (SHANGHAI, utc(2026, 7, 2, 12, 0), utc(2026, 7, 2, 23, 0)),
            (NEW_YORK, utc(2026, 1, 10, 0, 0), utc(2026, 1, 10, 12, 0)),
            (NEW_YORK, utc(2026, 7, 10, 0, 0), utc(2026, 7, 10, 11, 0)),
            (BERLIN, utc(2026, 1, 10, 0, 0), utc(2026, 1, 10, 6, 0)),
            (BERLIN, utc(2026, 7, 10, 0, 0), utc(2026, 7, 10, 5, 0)),
            (UTC_ZONE, utc(2026, 7, 10, 0, 0), utc(2026, 7, 10, 7, 0)),
            (KOLKATA, utc(2026, 7, 10, 0, 0), utc(2026, 7, 10, 1, 30)),
            # Chatham keeps +13:45 in the southern summer and +12:45 in winter.
            (CHATHAM, utc(2026, 1, 10, 0, 0), utc(2026, 1, 10, 17, 15)),
            (CHATHAM, utc(2026, 7, 10, 0, 0), utc(2026, 7, 10, 18, 15)),
        ],
    )
    def test_seven_in_the_morning(self, zone, now, expected):
        assert next_push_at(time(7, 0), zone, now) == expected

    def test_result_is_in_utc_for_a_non_utc_now(self):
        now = datetime(2026, 3, 2, 6, 0, tzinfo=SHANGHAI)
        result = next_push_at(time(7, 0), SHANGHAI, now)
        assert result == utc(2026, 3, 1, 23, 0)
        assert result.tzinfo is UTC

    def test_naive_now_is_rejected(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            next_push_at(time(7, 0), SHANGHAI, datetime(2026, 3, 2, 9, 0))

    def test_aware_local_time_is_rejected(self):
        with pytest.raises(ValueError, match="local_time"):
            next_push_at(time(7, 0, tzinfo=UTC), SHANGHAI, utc(2026, 3, 2))


class TestNextPushAtAroundTheTime:
    at = time(7, 0)
    push = utc(2026, 3, 2, 23, 0)  # 07:00 on 3 March in Shanghai

    def test_just_before_is_today(self):
        assert next_push_at(self.at, SHANGHAI, self.push - timedelta(microseconds=1)) == self.push

    def test_exactly_at_is_tomorrow(self):
        assert next_push_at(self.at, SHANGHAI, self.push) == self.push + timedelta(days=1)

    def test_just_after_is_tomorrow(self):
        assert next_push_at(self.at, SHANGHAI, self.push + timedelta(seconds=1)) == self.push + timedelta(
            days=1
        )

    def test_a_late_time_rolls_over_local_midnight(self):
        now = datetime(2026, 3, 2, 23, 50, tzinfo=SHANGHAI)
        assert next_push_at(time(23, 45), SHANGHAI, now) == datetime(2026, 3, 3, 23, 45, tzinfo=SHANGHAI)

    def test_just_after_local_midnight(self):
        now = datetime(2026, 3, 2, 23, 50, tzinfo=SHANGHAI)
        assert next_push_at(time(0, 15), SHANGHAI, now) == utc(2026, 3, 2, 16, 15)

    def test_local_midnight_itself(self):
        now = datetime(2026, 3, 2, 23, 59, 59, tzinfo=NEW_YORK)
        assert next_push_at(time(0, 0), NEW_YORK, now) == utc(2026, 3, 3, 5, 0)

    def test_the_utc_date_may_differ_from_the_local_date(self):
        now = utc(2026, 3, 2, 22, 0)  # 17:00 in New York, 06:00 next day in Shanghai
        assert next_push_at(time(23, 0), NEW_YORK, now) == utc(2026, 3, 3, 4, 0)
        assert next_push_at(time(7, 0), SHANGHAI, now) == utc(2026, 3, 2, 23, 0)


class TestBerlinSpringForward2026:
    """On 29 March 2026 Berlin jumps from 02:00 CET to 03:00 CEST, at 01:00 UTC."""

    day_before = utc(2026, 3, 28, 12, 0)

    @pytest.mark.parametrize("at", [time(2, 0), time(2, 30), time(2, 59)])
    def test_a_time_inside_the_gap_is_pushed_when_the_gap_ends(self, at):
        result = next_push_at(at, BERLIN, self.day_before)
        assert result == utc(2026, 3, 29, 1, 0)
        assert in_berlin(result) == (datetime(2026, 3, 29, 3, 0), CEST)

    def test_just_before_the_gap_is_still_winter_time(self):
        result = next_push_at(time(1, 59), BERLIN, self.day_before)
        assert in_berlin(result) == (datetime(2026, 3, 29, 1, 59), CET)
        assert result == utc(2026, 3, 29, 0, 59)

    def test_the_end_of_the_gap_exists_once(self):
        assert next_push_at(time(3, 0), BERLIN, self.day_before) == utc(2026, 3, 29, 1, 0)

    @pytest.mark.parametrize(
        ("now", "expected", "offset"),
        [
            (utc(2026, 3, 27, 12, 0), utc(2026, 3, 28, 7, 0), CET),
            (utc(2026, 3, 28, 12, 0), utc(2026, 3, 29, 6, 0), CEST),
            (utc(2026, 3, 29, 12, 0), utc(2026, 3, 30, 6, 0), CEST),
        ],
    )
    def test_a_normal_time_moves_from_plus_one_to_plus_two(self, now, expected, offset):
        result = next_push_at(time(8, 0), BERLIN, now)
        assert result == expected
        assert in_berlin(result)[1] == offset
        assert in_berlin(result)[0].time() == time(8, 0)

    def test_a_gap_time_on_the_days_around_exists_normally(self):
        assert next_push_at(time(2, 30), BERLIN, utc(2026, 3, 27, 12, 0)) == utc(2026, 3, 28, 1, 30)
        assert next_push_at(time(2, 30), BERLIN, utc(2026, 3, 29, 12, 0)) == utc(2026, 3, 30, 0, 30)

    def test_exactly_at_the_gap_end_moves_a_gap_time_to_the_next_day(self):
        assert next_push_at(time(2, 30), BERLIN, utc(2026, 3, 29, 1, 0)) == utc(2026, 3, 30, 0, 30)

    def test_just_before_the_gap_end(self):
        now = utc(2026, 3, 29, 0, 59, 59)
        assert next_push_at(time(2, 30), BERLIN, now) == utc(2026, 3, 29, 1, 0)

    def test_a_gap_at_local_midnight(self):
        # Havana skips from 00:00 to 01:00 on 8 March 2026.
        result = next_push_at(time(0, 30), HAVANA, utc(2026, 3, 7, 12, 0))
        assert result == utc(2026, 3, 8, 5, 0)
        assert result.astimezone(HAVANA).replace(tzinfo=None) == datetime(2026, 3, 8, 1, 0)


class TestBerlinFallBack2026:
    """On 25 October 2026 Berlin goes back from 03:00 CEST to 02:00 CET, at 01:00 UTC."""

    day_before = utc(2026, 10, 24, 12, 0)

    @pytest.mark.parametrize("at", [time(2, 0), time(2, 30), time(2, 59)])
    def test_a_repeated_time_is_pushed_at_its_first_occurrence(self, at):
        result = next_push_at(at, BERLIN, self.day_before)
        assert in_berlin(result) == (datetime.combine(AUTUMN_2026, at), CEST)
        assert result.astimezone(BERLIN).fold == 0

    def test_between_the_two_occurrences_the_push_waits_for_the_next_day(self):
        after_first = utc(2026, 10, 25, 0, 45)  # 02:45 CEST, before the second 02:30 CET
        result = next_push_at(time(2, 30), BERLIN, after_first)
        assert result == utc(2026, 10, 26, 1, 30)
        assert in_berlin(result) == (datetime(2026, 10, 26, 2, 30), CET)

    def test_during_the_second_occurrence_the_push_waits_for_the_next_day(self):
        assert next_push_at(time(2, 30), BERLIN, utc(2026, 10, 25, 1, 10)) == utc(2026, 10, 26, 1, 30)

    def test_just_before_and_after_the_repeated_hour(self):
        assert next_push_at(time(1, 59), BERLIN, self.day_before) == utc(2026, 10, 24, 23, 59)
        assert next_push_at(time(3, 0), BERLIN, self.day_before) == utc(2026, 10, 25, 2, 0)

    @pytest.mark.parametrize(
        ("now", "expected", "offset"),
        [
            (utc(2026, 10, 23, 12, 0), utc(2026, 10, 24, 6, 0), CEST),
            (utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 7, 0), CET),
            (utc(2026, 10, 25, 12, 0), utc(2026, 10, 26, 7, 0), CET),
        ],
    )
    def test_a_normal_time_moves_from_plus_two_to_plus_one(self, now, expected, offset):
        result = next_push_at(time(8, 0), BERLIN, now)
        assert result == expected
        assert in_berlin(result)[1] == offset
        assert in_berlin(result)[0].time() == time(8, 0)

    def test_the_fall_back_day_is_25_hours_long_between_pushes(self):
        first = next_push_at(time(8, 0), BERLIN, utc(2026, 10, 24, 0, 0))
        second = next_push_at(time(8, 0), BERLIN, first)
        assert second - first == timedelta(hours=25)


class TestPushInstant:
    def test_matches_next_push_at_on_the_same_day(self):
        assert push_instant(SPRING_2026, time(2, 30), BERLIN) == utc(2026, 3, 29, 1, 0)
        assert push_instant(AUTUMN_2026, time(2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)

    def test_chatham_gap_of_an_hour_at_a_quarter_to_three(self):
        # Chatham jumps from 02:45 +12:45 to 03:45 +13:45 on 27 September 2026.
        result = push_instant(date(2026, 9, 27), time(3, 0), CHATHAM)
        assert result == utc(2026, 9, 26, 14, 0)
        assert result.astimezone(CHATHAM).replace(tzinfo=None) == datetime(2026, 9, 27, 3, 45)


class TestLocalDateOf:
    @pytest.mark.parametrize(
        ("zone", "expected"),
        [
            (SHANGHAI, date(2026, 3, 3)),
            (NEW_YORK, date(2026, 3, 2)),
            (UTC_ZONE, date(2026, 3, 2)),
            (KOLKATA, date(2026, 3, 2)),
            (CHATHAM, date(2026, 3, 3)),
        ],
    )
    def test_just_after_shanghai_midnight(self, zone, expected):
        assert local_date_of(utc(2026, 3, 2, 16, 0), zone) == expected

    def test_one_second_earlier_is_still_the_day_before_in_shanghai(self):
        assert local_date_of(utc(2026, 3, 2, 15, 59, 59), SHANGHAI) == date(2026, 3, 2)

    def test_kolkata_half_hour_offset(self):
        assert local_date_of(utc(2026, 3, 2, 18, 29), KOLKATA) == date(2026, 3, 2)
        assert local_date_of(utc(2026, 3, 2, 18, 30), KOLKATA) == date(2026, 3, 3)

    def test_chatham_quarter_hour_offset(self):
        # +13:45 in March: local midnight is 10:15 UTC the day before.
        assert local_date_of(utc(2026, 3, 2, 10, 14), CHATHAM) == date(2026, 3, 2)
        assert local_date_of(utc(2026, 3, 2, 10, 15), CHATHAM) == date(2026, 3, 3)

    def test_any_aware_instant_is_accepted(self):
        tokyo_morning = datetime(2026, 3, 3, 0, 30, tzinfo=timezone(timedelta(hours=9)))
        assert local_date_of(tokyo_morning, NEW_YORK) == date(2026, 3, 2)

    def test_naive_instant_is_rejected(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            local_date_of(datetime(2026, 3, 2, 16, 0), SHANGHAI)


class TestDueToday:
    at = time(7, 0)
    push = utc(2026, 3, 2, 23, 0)  # 07:00 on 3 March in Shanghai
    today = date(2026, 3, 3)

    def test_not_before_the_push_time(self):
        assert not due_today(self.at, SHANGHAI, self.push - timedelta(seconds=1), None)

    def test_due_exactly_at_the_push_time(self):
        assert due_today(self.at, SHANGHAI, self.push, None)

    def test_due_later_the_same_local_day_when_missed(self):
        assert due_today(self.at, SHANGHAI, self.push + timedelta(hours=16, minutes=59), date(2026, 3, 2))

    def test_not_again_once_delivered_today(self):
        assert not due_today(self.at, SHANGHAI, self.push + timedelta(hours=3), self.today)

    def test_missed_days_are_not_piled_up(self):
        long_ago = date(2026, 2, 20)
        assert due_today(self.at, SHANGHAI, self.push + timedelta(hours=1), long_ago)
        # Before today's time nothing is owed, even though earlier days were missed.
        assert not due_today(self.at, SHANGHAI, self.push - timedelta(hours=1), long_ago)

    def test_the_local_date_counts_not_the_utc_date(self):
        # 23:30 UTC on 2 March is already 3 March in Shanghai.
        now = utc(2026, 3, 2, 23, 30)
        assert due_today(self.at, SHANGHAI, now, date(2026, 3, 2))
        assert not due_today(self.at, SHANGHAI, now, date(2026, 3, 3))

    def test_a_new_local_day_resets_the_rule(self):
        next_day_before = self.push + timedelta(days=1, seconds=-1)
        assert not due_today(self.at, SHANGHAI, next_day_before, self.today)
        assert due_today(self.at, SHANGHAI, self.push + timedelta(days=1), self.today)

    def test_a_delivery_recorded_for_a_later_date_blocks_today(self):
        assert not due_today(self.at, SHANGHAI, self.push + timedelta(hours=1), date(2026, 3, 4))

    def test_spring_gap_time_is_due_once_the_gap_ends(self):
        assert not due_today(time(2, 30), BERLIN, utc(2026, 3, 29, 0, 59, 59), date(2026, 3, 28))
        assert due_today(time(2, 30), BERLIN, utc(2026, 3, 29, 1, 0), date(2026, 3, 28))

    def test_fall_back_time_is_due_once_only(self):
        assert due_today(time(2, 30), BERLIN, utc(2026, 10, 25, 0, 30), date(2026, 10, 24))
        assert not due_today(time(2, 30), BERLIN, utc(2026, 10, 25, 1, 30), AUTUMN_2026)

    def test_naive_now_is_rejected(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            due_today(self.at, SHANGHAI, datetime(2026, 3, 3, 8, 0), None)


SAMPLE_ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "Asia/Shanghai",
        "America/New_York",
        "Europe/Berlin",
        "Asia/Kolkata",
        "Pacific/Chatham",
        "Australia/Lord_Howe",  # 30-minute DST
        "Europe/Dublin",  # negative DST in the tz database
        "America/Havana",  # transitions at midnight
        "America/Santiago",
        "America/St_Johns",
        "Asia/Kathmandu",
        "Africa/Casablanca",  # clocks go back during Ramadan
        "Asia/Tehran",
        "Pacific/Apia",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
    )
]

zones = st.sampled_from(SAMPLE_ZONES)
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
nows = st.tuples(instants, st.sampled_from([UTC, *SAMPLE_ZONES])).map(
    lambda pair: pair[0].astimezone(pair[1])
)


# DST switches in 2026 (gaps and repeated hours), to aim some examples at the edge cases.
TRANSITIONS = [
    (ZoneInfo(name), instant)
    for name, instant in (
        ("Europe/Berlin", utc(2026, 3, 29, 1, 0)),
        ("Europe/Berlin", utc(2026, 10, 25, 1, 0)),
        ("America/New_York", utc(2026, 3, 8, 7, 0)),
        ("America/New_York", utc(2026, 11, 1, 6, 0)),
        ("America/Havana", utc(2026, 3, 8, 5, 0)),
        ("America/Havana", utc(2026, 11, 1, 5, 0)),
        ("America/Santiago", utc(2026, 9, 6, 4, 0)),
        ("Australia/Lord_Howe", utc(2026, 10, 3, 15, 30)),
        ("Australia/Lord_Howe", utc(2026, 4, 4, 15, 0)),
        ("Pacific/Chatham", utc(2026, 9, 26, 14, 0)),
        ("Pacific/Chatham", utc(2026, 4, 4, 14, 0)),
        ("Africa/Casablanca", utc(2026, 3, 22, 2, 0)),
        ("Europe/Dublin", utc(2026, 10, 25, 1, 0)),
        ("America/St_Johns", utc(2026, 3, 8, 5, 30)),
    )
]


@st.composite
def near_transitions(draw):
    zone, instant = draw(st.sampled_from(TRANSITIONS))
    # Mostly the day before the switch, so the next push falls on the switch day itself.
    now = instant - timedelta(minutes=draw(st.integers(-6 * 60, 26 * 60)))
    wall = (instant - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None)
    at = (wall + timedelta(minutes=draw(st.integers(-60, 90)))).time().replace(second=0, microsecond=0)
    return zone, at, now


cases = st.one_of(st.tuples(zones, st.times(), nows), near_transitions())


def wall_of(instant, zone):
    return instant.astimezone(zone).replace(tzinfo=None)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(case=cases)
def test_next_push_is_the_next_occurrence_of_the_wall_time(case):
    zone, at, now = case
    result = next_push_at(at, zone, now)

    assert result.tzinfo is UTC
    assert result > now
    local = result.astimezone(zone)
    offset_change = abs(local.utcoffset() - now.astimezone(zone).utcoffset())
    assert result - now <= timedelta(hours=25) + offset_change
    assert local.date() - local_date_of(now, zone) in (timedelta(0), timedelta(days=1))

    wanted = datetime.combine(local.date(), at)
    if local.time() == at:
        assert local.fold == 0
    else:
        # Only a wall time skipped by a DST gap may be replaced, by the instant the gap ends.
        assert wall_of(wanted.replace(tzinfo=zone).astimezone(UTC), zone) != wanted
        assert wall_of(result - timedelta(seconds=1), zone) < wanted < local.replace(tzinfo=None)
        event("wall time inside a DST gap")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(case=cases)
def test_due_today_turns_on_exactly_at_the_next_push(case):
    zone, at, now = case
    result = next_push_at(at, zone, now)
    day = local_date_of(result, zone)
    assert due_today(at, zone, result, day - timedelta(days=1))
    assert not due_today(at, zone, result, day)
    just_before = result - timedelta(microseconds=1)
    if local_date_of(just_before, zone) == day:
        assert not due_today(at, zone, just_before, None)
