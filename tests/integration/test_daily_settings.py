"""Daily push settings and time zones against a real database."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services import Services
from bot.services.daily import DailySetting, TimezoneSet
from bot.services.drill import ChatRef
from bot.services.results import Malformed, NotAllowed
from tests.conftest import ADMIN, FakeClock, private_chat, telegram_user

USER = telegram_user(42)
CHAT = private_chat(USER)
GROUP = ChatRef("telegram", "-100")


async def test_a_new_chat_has_the_push_off_in_the_default_zone(services: Services) -> None:
    assert await services.daily.daily(CHAT, USER, False, "") == DailySetting(False, None, "UTC", None)


async def test_switching_on_computes_the_next_push_in_utc(services: Services, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

    setting = await services.daily.daily(CHAT, USER, False, "08:30 Asia/Shanghai")
    shown = await services.daily.daily(CHAT, USER, False, "")

    assert setting == DailySetting(True, "08:30", "Asia/Shanghai", datetime(2026, 3, 3, 0, 30, tzinfo=UTC))
    assert shown == setting


async def test_switching_off_keeps_the_time_for_later(services: Services) -> None:
    await services.daily.daily(CHAT, USER, False, "07:00 Europe/Berlin")

    off = await services.daily.daily(CHAT, USER, False, "off")
    again = await services.daily.daily(CHAT, USER, False, "07:15")

    assert off.active is False and off.next_push_at is None
    assert again.active and again.timezone == "Europe/Berlin" and again.local_time == "07:15"


async def test_bad_daily_input_changes_nothing(services: Services) -> None:
    results = [
        await services.daily.daily(CHAT, USER, False, text) for text in ("25:00", "soon", "08:00 Mars/Base")
    ]

    assert all(isinstance(result, Malformed) for result in results)
    assert (await services.daily.daily(CHAT, USER, False, "")).active is False


async def test_in_groups_only_chat_admins_or_bot_admins_change_the_setting(services: Services) -> None:
    refused = await services.daily.daily(GROUP, USER, True, "09:00")
    by_chat_admin = await services.daily.daily(GROUP, USER, True, "09:00", may_manage=True)
    by_bot_admin = await services.daily.set_timezone(GROUP, ADMIN, True, "Asia/Tokyo")
    anyone_may_look = await services.daily.daily(GROUP, USER, True, "")

    assert isinstance(refused, NotAllowed)
    assert isinstance(by_chat_admin, DailySetting) and by_chat_admin.active
    assert isinstance(by_bot_admin, TimezoneSet) and by_bot_admin.setting.timezone == "Asia/Tokyo"
    assert anyone_may_look.timezone == "Asia/Tokyo" and anyone_may_look.local_time == "09:00"


async def test_timezone_moves_streak_days_and_retimes_the_push(services: Services, clock: FakeClock) -> None:
    clock.current = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    await services.daily.daily(CHAT, USER, False, "08:00")

    result = await services.daily.set_timezone(CHAT, USER, False, "America/New_York")
    stats_zone_user = await services.stats.stats("telegram", "42")

    assert isinstance(result, TimezoneSet)
    assert result.setting.next_push_at == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # 08:00 EST, an hour ahead
    assert stats_zone_user.today.isoformat() == "2026-03-02"


async def test_unknown_timezone_is_refused(services: Services) -> None:
    result = await services.daily.set_timezone(CHAT, USER, False, "Asia/Atlantis")

    assert isinstance(result, Malformed)
