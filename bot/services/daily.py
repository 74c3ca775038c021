"""Daily push settings: /daily and /timezone, in private chats and groups."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.schedule import (
    ScheduleError,
    next_push_at,
    parse_daily_command,
    parse_daily_time,
    parse_timezone,
)
from bot.db.repositories import DailySubscription, Repositories, User
from bot.services.context import ChatUser, ServiceContext
from bot.services.drill import ChatRef
from bot.services.results import Malformed, NotAllowed


@dataclass(frozen=True, slots=True)
class DailySetting:
    """Where a chat's daily push stands."""

    active: bool
    local_time: str | None
    timezone: str
    next_push_at: datetime | None


@dataclass(frozen=True, slots=True)
class TimezoneSet:
    """The zone now used for the chat's streak days and daily push."""

    timezone: str
    setting: DailySetting


class DailyService:
    """Use cases of the daily push settings; each call is one transaction."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def daily(
        self, chat: ChatRef, user: ChatUser, is_group: bool, argument: str, may_manage: bool = False
    ) -> DailySetting | Malformed | NotAllowed:
        """Show, switch on (at HH:MM, optionally in a zone) or switch off the chat's daily question.

        In groups only chat administrators (`may_manage`, checked by the adapter) or bot admins may change it.
        """
        try:
            command = parse_daily_command(argument)
        except ScheduleError as error:
            return Malformed(str(error))
        if command.action != "show" and is_group and not (may_manage or self._context.policy.is_admin(user)):
            return NotAllowed()
        async with self._context.transaction() as repos:
            stored_user = await repos.users.ensure(
                user.platform, user.external_id, user.display_name, user.language, self._context.now()
            )
            current = await self._current(repos, chat, stored_user, is_group)
            if command.action == "show":
                return self._setting(current)
            if command.action == "off":
                updated = replace(current, active=False, next_push_at=None)
            else:
                local_time = command.at.strftime("%H:%M") if command.at else current.local_time
                updated = self._scheduled(
                    replace(current, local_time=local_time, active=True), command.timezone
                )
            await repos.daily.save(updated, self._context.now())
            return self._setting(updated)

    async def set_timezone(
        self, chat: ChatRef, user: ChatUser, is_group: bool, name: str, may_manage: bool = False
    ) -> TimezoneSet | Malformed | NotAllowed:
        """Set the user's zone (private) or the group's zone, and re-time an active daily push."""
        try:
            zone = parse_timezone(name.strip())
        except ScheduleError as error:
            return Malformed(str(error))
        if is_group and not (may_manage or self._context.policy.is_admin(user)):
            return NotAllowed()
        async with self._context.transaction() as repos:
            stored_user = await repos.users.ensure(
                user.platform, user.external_id, user.display_name, user.language, self._context.now()
            )
            if not is_group:
                await repos.users.set_timezone(stored_user.id, zone.key)
            current = await self._current(repos, chat, stored_user, is_group)
            updated = self._scheduled(current, zone.key)
            await repos.daily.save(updated, self._context.now())
            return TimezoneSet(zone.key, self._setting(updated))

    async def stop(self, chat: ChatRef) -> None:
        """Stop pushing to a chat the bot can no longer write to."""
        async with self._context.transaction() as repos:
            await repos.daily.reschedule(chat.platform, chat.chat_id, None, active=False)

    async def _current(
        self, repos: Repositories, chat: ChatRef, user: User, is_group: bool
    ) -> DailySubscription:
        existing = await repos.daily.get(chat.platform, chat.chat_id)
        if existing is not None:
            return existing
        return DailySubscription(
            platform=chat.platform,
            chat_id=chat.chat_id,
            is_group=is_group,
            user_id=None if is_group else user.id,
            local_time=None,
            timezone=None if is_group else user.timezone,
            active=False,
            next_push_at=None,
        )

    def _scheduled(self, subscription: DailySubscription, timezone: str | None) -> DailySubscription:
        """Apply a new zone, if any, and recompute the next push in UTC for an active subscription."""
        zone_name = timezone or subscription.timezone or self._context.policy.default_timezone
        updated = replace(subscription, timezone=timezone or subscription.timezone)
        if not updated.active or updated.local_time is None:
            return replace(updated, next_push_at=None)
        push_at = next_push_at(
            parse_daily_time(updated.local_time), parse_timezone(zone_name), self._context.now()
        )
        return replace(updated, next_push_at=push_at)

    def _setting(self, subscription: DailySubscription) -> DailySetting:
        return DailySetting(
            active=subscription.active,
            local_time=subscription.local_time,
            timezone=subscription.timezone or self._context.policy.default_timezone,
            next_push_at=subscription.next_push_at,
        )
