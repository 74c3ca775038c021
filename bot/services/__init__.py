"""Use cases, independent of any chat platform."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.accounts import AccountService
from bot.services.bank import BankService
from bot.services.context import ServiceContext
from bot.services.daily import DailyService
from bot.services.drill import DrillService
from bot.services.push import PushService
from bot.services.stats import StatsService


@dataclass(frozen=True, slots=True)
class Services:
    """Every use case, built over one shared context."""

    context: ServiceContext
    drill: DrillService
    bank: BankService
    stats: StatsService
    accounts: AccountService
    daily: DailyService
    push: PushService

    @classmethod
    def build(cls, context: ServiceContext) -> Services:
        """Wire the services to the context."""
        return cls(
            context,
            DrillService(context),
            BankService(context),
            StatsService(context),
            AccountService(context),
            DailyService(context),
            PushService(context),
        )
