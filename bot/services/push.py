"""The daily push: one question a day per subscribed chat, at its local time, at most once per local date."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.core.question import Question
from bot.core.schedule import due_today, local_date_of, next_push_at, parse_daily_time, parse_timezone
from bot.core.selection import RECENT_WINDOW, SelectionPool, choose_next
from bot.db.repositories import DailySubscription, Repositories
from bot.services.context import ServiceContext
from bot.services.drill import ChatRef, choose_question

logger = logging.getLogger(__name__)

# A delivery claimed but never finished (the process died mid-send) is retried after this long.
DELIVERY_LEASE = timedelta(minutes=10)
PASS_BATCH = 5000
PUSH_CONCURRENCY = 16


class ChatUnreachable(Exception):
    """The platform refuses to deliver to this chat for good (blocked, kicked, deleted)."""


class DeliveryFailed(Exception):
    """The message could not be delivered now, after the sender's own retries."""


@dataclass(frozen=True, slots=True)
class PushTarget:
    """One chat's daily question, ready for the platform to send."""

    platform: str
    chat_id: str
    is_group: bool
    question: Question


# Sends the question and returns the platform's message id.
Sender = Callable[[PushTarget], Awaitable[str]]


@dataclass(slots=True)
class PushSummary:
    """What one pass did."""

    sent: int = 0
    skipped: int = 0
    blocked: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Chats looked at."""
        return self.sent + self.skipped + self.blocked + self.failed


class PushService:
    """Runs push passes; safe to run twice at once or again after a crash."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def run_pass(
        self, platform: str, send: Sender, progress: Callable[[PushSummary], None] | None = None
    ) -> PushSummary:
        """Deliver a platform's pushes that are due now, today's missed ones included, at most once a day."""
        summary = PushSummary()
        now = self._context.now()
        async with self._context.transaction() as repos:
            due = await repos.daily.due(platform, now, PASS_BATCH)
        # Several chats at once, so database work overlaps the sends; the sender's rate limiter paces them.
        slots = asyncio.Semaphore(PUSH_CONCURRENCY)
        recording: set[asyncio.Task[None]] = set()

        async def push_one(subscription: DailySubscription) -> None:
            async with slots:
                try:
                    outcome = await self._push(subscription, send, recording)
                except Exception as error:
                    # The delivery stays claimed, so a later pass retries it once the lease runs out.
                    logger.exception("push to %s failed", subscription.chat_id)
                    summary.errors.append(f"{subscription.chat_id}: {error}")
                    outcome = "failed"
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if progress is not None:
                progress(summary)

        try:
            async with asyncio.TaskGroup() as group:
                for subscription in due:
                    group.create_task(push_one(subscription))
        finally:
            # A cancelled pass ends only once every message the platform already has is recorded.
            for failure in await asyncio.gather(*recording, return_exceptions=True):
                if isinstance(failure, Exception):
                    logger.error("recording a sent push failed: %s", failure)
        return summary

    async def _push(
        self, subscription: DailySubscription, send: Sender, recording: set[asyncio.Task[None]]
    ) -> str:
        """Claim, choose, send and record one chat's push; returns the summary field to count it in.

        The next push time only moves once the delivery has ended, so a run that dies mid-send leaves the
        chat due, and a later pass takes the delivery over when its lease runs out.
        """
        now = self._context.now()
        zone = parse_timezone(subscription.timezone or self._context.policy.default_timezone)
        local_time = parse_daily_time(subscription.local_time or "00:00")
        today = local_date_of(now, zone)
        platform, chat_id = subscription.platform, subscription.chat_id
        following = next_push_at(local_time, zone, now)
        async with self._context.transaction() as repos:
            # Only today's push is caught up after downtime; earlier missed days are not piled up.
            if not due_today(local_time, zone, now, None):
                await repos.daily.reschedule(platform, chat_id, following, active=True)
                return "skipped"
            claim = await repos.daily.claim_delivery(platform, chat_id, today, now, DELIVERY_LEASE)
            if claim != "claimed":
                if claim == "done":
                    await repos.daily.reschedule(platform, chat_id, following, active=True)
                return "skipped"
            question = await self._choose(repos, subscription)
            if question is None:
                await repos.daily.finish_delivery(platform, chat_id, today, "failed", now)
                await repos.daily.reschedule(platform, chat_id, following, active=True)
                return "failed"
        try:
            message_id = await send(PushTarget(platform, chat_id, subscription.is_group, question))
        except ChatUnreachable:
            outcome, message_id = "blocked", None
        except DeliveryFailed:
            outcome, message_id = "failed", None
        else:
            outcome = "sent"
        # Once the platform has the message, recording it must survive a shutdown that cancels the pass,
        # or the lease would later send it again; run_pass waits for these before it ends.
        finish = asyncio.create_task(
            self._finish(subscription, today, following, question, outcome, message_id)
        )
        recording.add(finish)
        finish.add_done_callback(recording.discard)
        await asyncio.shield(finish)
        return outcome

    async def _finish(
        self,
        subscription: DailySubscription,
        today: date,
        following: datetime,
        question: Question,
        outcome: str,
        message_id: str | None,
    ) -> None:
        platform, chat_id = subscription.platform, subscription.chat_id
        async with self._context.transaction() as repos:
            now = self._context.now()
            await repos.daily.finish_delivery(platform, chat_id, today, outcome, now, question.id, message_id)
            blocked = outcome == "blocked"
            await repos.daily.reschedule(
                platform, chat_id, None if blocked else following, active=not blocked
            )
            if message_id is not None:
                await self._open(repos, subscription, question, message_id)

    async def _choose(self, repos: Repositories, subscription: DailySubscription) -> Question | None:
        """The user's own next question in private; in groups, one not pushed there lately."""
        if subscription.user_id is not None and not subscription.is_group:
            chat = ChatRef(subscription.platform, subscription.chat_id)
            return await choose_question(repos, self._context, chat, subscription.user_id)
        await self._context.catalog.refresh(repos)
        pool = SelectionPool(
            candidates=self._context.catalog.candidates(None),
            reviewed=(),
            due={},
            recent=await repos.daily.recent_questions(
                subscription.platform, subscription.chat_id, RECENT_WINDOW
            ),
            progress={},
        )
        pick = choose_next(pool, self._context.now(), self._context.rng)
        return await self._context.catalog.question(repos, pick.question_id) if pick else None

    async def _open(
        self, repos: Repositories, subscription: DailySubscription, question: Question, message_id: str
    ) -> None:
        """Make the pushed question answerable exactly like a /quiz question."""
        now = self._context.now()
        if subscription.is_group or subscription.user_id is None:
            pending = await repos.learning.put_chat_pending(
                subscription.platform, subscription.chat_id, question.id, now
            )
        else:
            pending = await repos.learning.put_pending(
                subscription.platform, subscription.chat_id, subscription.user_id, question.id, now
            )
        await repos.learning.set_pending_message(pending.id, message_id)
