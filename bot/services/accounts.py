"""What the bot remembers about a user beyond the drill: whether they blocked it."""

from __future__ import annotations

from bot.services.context import ServiceContext


class AccountService:
    """Use cases of user accounts; each call is one transaction."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def set_blocked(self, platform: str, external_id: str, blocked: bool) -> bool:
        """Record that the user blocked (or unblocked) the bot; False if the user is unknown."""
        async with self._context.transaction() as repos:
            return await repos.users.set_blocked(platform, external_id, blocked)

    async def is_blocked(self, platform: str, external_id: str) -> bool:
        """Whether the user is known to have blocked the bot."""
        async with self._context.transaction() as repos:
            user = await repos.users.find(platform, external_id)
        return bool(user and user.blocked)
