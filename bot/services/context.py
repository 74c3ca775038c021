"""What every use case needs: sessions, the clock, randomness and the policy from settings."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.repositories import Repositories
from bot.services.catalog import BankCatalog

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock; tests pass their own."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ChatUser:
    """Who is talking, as the chat platform names them."""

    platform: str
    external_id: str
    display_name: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True)
class DrillPolicy:
    """Rules that come from configuration."""

    pass_score: int = 60
    day_start_hour: int = 4
    default_timezone: str = "UTC"
    admins: frozenset[tuple[str, str]] = frozenset()

    def is_admin(self, user: ChatUser) -> bool:
        """Whether this platform user may change the bank."""
        return (user.platform, user.external_id) in self.admins

    def timezone_of(self, timezone: str | None) -> ZoneInfo:
        """The user's zone, or the default one."""
        return ZoneInfo(timezone or self.default_timezone)


class ServiceContext:
    """Opens transactions and tells the time; shared by every service."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        policy: DrillPolicy,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self.sessions = sessions
        self.policy = policy
        self._clock = clock
        self.rng = rng or random.Random()
        self.catalog = BankCatalog()

    def now(self) -> datetime:
        """The current instant, which must be timezone-aware."""
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the clock must return aware datetimes")
        return moment

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repositories]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        async with self.sessions() as session, session.begin():
            yield Repositories.for_session(session)
