"""Daily question push: parsing a chat's local time and zone, and timing the next push in UTC."""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

TIMEZONE_EXAMPLES = ("Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC")
# The longest IANA name is 32 characters; anything far longer is not worth a lookup.
MAX_TIMEZONE_LENGTH = 64
OFF_WORDS = frozenset({"off", "关闭"})

_TIME_PATTERN = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)

DailyAction = Literal["show", "off", "on"]


class ScheduleError(ValueError):
    """A daily time, zone or /daily argument that cannot be used, with a short reason."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


@dataclass(frozen=True, slots=True)
class DailyCommand:
    """What /daily asks for: show the setting, switch off, or switch on at a time and maybe a zone."""

    action: DailyAction
    at: time | None = None
    timezone: str | None = None


def parse_daily_time(text: str) -> time:
    """Read a 24-hour `HH:MM`, accepting full-width digits and the Chinese colon."""
    # NFKC folds full-width digits and the full-width colon `：` to ASCII.
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _TIME_PATTERN.fullmatch(cleaned)
    if match is None:
        raise ScheduleError("expected a 24-hour time as HH:MM, e.g. 07:30")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23:
        raise ScheduleError("hour must be between 00 and 23")
    if minute > 59:
        raise ScheduleError("minute must be between 00 and 59")
    return time(hour, minute)


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def _timezones_by_folded_name() -> dict[str, str]:
    return {_folded(name): name for name in sorted(_known_timezones(), reverse=True)}


def _folded(name: str) -> str:
    return name.casefold().replace(" ", "_")


def parse_timezone(name: str) -> ZoneInfo:
    """Return the zone for an IANA name spelled exactly, suggesting the IANA spelling on a near miss."""
    examples = ", ".join(TIMEZONE_EXAMPLES)
    cleaned = name.strip()
    if not cleaned:
        raise ScheduleError(f"a time zone is needed, e.g. {examples}")
    if len(cleaned) > MAX_TIMEZONE_LENGTH:
        raise ScheduleError("time zone name is too long")
    if ".." in cleaned or cleaned.startswith("/") or "\\" in cleaned or "\x00" in cleaned:
        raise ScheduleError(f"not an IANA time zone name; use one such as {examples}")
    # Membership rather than ZoneInfo alone: that also rejects folders such as `Asia` and, on
    # case-insensitive file systems, wrongly cased names that would otherwise load.
    if cleaned not in _known_timezones():
        suggestion = _timezones_by_folded_name().get(_folded(cleaned))
        if suggestion is not None:
            raise ScheduleError(f"unknown time zone {cleaned!r}; did you mean {suggestion}?", suggestion)
        raise ScheduleError(f"unknown time zone {cleaned!r}; use an IANA name such as {examples}")
    try:
        return ZoneInfo(cleaned)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ScheduleError(f"unknown time zone {cleaned!r}; use an IANA name such as {examples}") from error


def parse_daily_command(argument: str) -> DailyCommand:
    """Read the text after /daily: nothing, `off`/`关闭`, `HH:MM` or `HH:MM Area/City`."""
    words = argument.split()
    if not words:
        return DailyCommand("show")
    if len(words) == 1 and words[0].casefold() in OFF_WORDS:
        return DailyCommand("off")
    if len(words) > 2:
        raise ScheduleError("expected /daily HH:MM [Area/City] or /daily off")
    at = parse_daily_time(words[0])
    if len(words) == 1:
        return DailyCommand("on", at)
    return DailyCommand("on", at, parse_timezone(words[1]).key)


def local_date_of(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar date in `zone` at an instant."""
    _require_aware(instant, "instant")
    return instant.astimezone(zone).date()


def push_instant(day: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of the push on a local date: the first occurrence, or the end of a DST gap."""
    if local_time.tzinfo is not None:
        raise ValueError("local_time must be a wall-clock time without tzinfo")
    wall = datetime.combine(day, local_time).replace(fold=0)
    # fold=0 picks the earlier of two occurrences when the clocks fall back.
    first = wall.replace(tzinfo=zone).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    return _gap_end(wall, zone)


def _gap_end(wall: datetime, zone: ZoneInfo) -> datetime:
    """The transition instant that skips over a wall time which does not exist in `zone`."""
    # In a gap, fold=0 and fold=1 apply the offsets from before and after the jump, so the
    # transition lies between the two readings; transitions fall on whole seconds.
    readings = [wall.replace(tzinfo=zone, fold=fold).timestamp() for fold in (0, 1)]
    low, high = int(min(readings)) - 1, int(max(readings)) + 1
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) > wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def next_push_at(local_time: time, zone: ZoneInfo, now: datetime) -> datetime:
    """The first push instant in UTC strictly after `now` for a daily wall time in `zone`."""
    _require_aware(now, "now")
    today = local_date_of(now, zone)
    # Starting a day early covers a gap that pushes yesterday's time past midnight.
    for offset in range(-1, 3):
        candidate = push_instant(today + timedelta(days=offset), local_time, zone)
        if candidate > now:
            return candidate
    raise AssertionError("no push instant within three days")  # pragma: no cover


def due_today(local_time: time, zone: ZoneInfo, now: datetime, last_delivered: date | None) -> bool:
    """Whether today's push is owed: its time has come and today's local date was not delivered yet."""
    _require_aware(now, "now")
    today = local_date_of(now, zone)
    if last_delivered is not None and last_delivered >= today:
        return False
    return now >= push_instant(today, local_time, zone)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
