"""Daily streaks with Duolingo-style freezes, counted in the user's local days."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS_PER_FREEZE = 7
MAX_FREEZES = 2


@dataclass(frozen=True, slots=True)
class Streak:
    """Consecutive active days: the current run, the best run and the freezes held."""

    current: int = 0
    best: int = 0
    freezes: int = 0
    last_day: date | None = None


def local_day(now: datetime, timezone: ZoneInfo, day_start_hour: int) -> date:
    """The user's calendar day for an instant, with the day starting at `day_start_hour` as in Anki."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return (now.astimezone(timezone) - timedelta(hours=day_start_hour)).date()


def missed_days(streak: Streak, day: date) -> int:
    """Days without activity strictly between the last active day and `day`."""
    if streak.last_day is None:
        return 0
    return max(0, (day - streak.last_day).days - 1)


def record_activity(streak: Streak, day: date) -> Streak:
    """Return the streak after an answer on `day`; held freezes forgive missed days on their own."""
    if streak.last_day is not None and day <= streak.last_day:
        return streak
    gap = missed_days(streak, day)
    freezes = streak.freezes
    if streak.last_day is None or gap > freezes:
        current = 1
    else:
        current = streak.current + 1
        freezes -= gap
    if current % DAYS_PER_FREEZE == 0:
        freezes = min(MAX_FREEZES, freezes + 1)
    return replace(streak, current=current, best=max(streak.best, current), freezes=freezes, last_day=day)


def current_streak(streak: Streak, today: date) -> int:
    """The streak as it stands today: kept while the missed days are covered by freezes."""
    if streak.last_day is None:
        return 0
    return streak.current if missed_days(streak, today) <= streak.freezes else 0
