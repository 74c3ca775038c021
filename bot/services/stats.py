"""A user's progress: answers, streaks, mastery per topic, activity by day."""

from __future__ import annotations

from datetime import timedelta

from bot.core.mastery import TopicProgress, weak_topics
from bot.core.streak import current_streak, local_day
from bot.services.context import ServiceContext
from bot.services.results import TopicStat, UnknownUser, UserStats

ACTIVITY_WEEKS = 12


class StatsService:
    """Read-only use cases of progress."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def stats(self, platform: str, external_id: str) -> UserStats | UnknownUser:
        """The user's whole record; unknown users are not created by looking."""
        policy = self._context.policy
        now = self._context.now()
        async with self._context.transaction() as repos:
            user = await repos.users.find(platform, external_id)
            if user is None:
                return UnknownUser(external_id)
            progress = await repos.learning.topic_progress(user.id)
            answers = await repos.learning.answer_count(user.id)
            times = await repos.learning.attempt_times(user.id, now - timedelta(weeks=ACTIVITY_WEEKS))
        zone = policy.timezone_of(user.timezone)
        today = local_day(now, zone, policy.day_start_hour)
        activity: dict = {}
        for moment in times:
            day = local_day(moment, zone, policy.day_start_hour)
            activity[day] = activity.get(day, 0) + 1
        return UserStats(
            user_id=external_id,
            answers=answers,
            streak=current_streak(user.streak, today),
            best_streak=user.streak.best,
            freezes=user.streak.freezes,
            last_answer_date=user.streak.last_day,
            topics=tuple(
                _topic_stat(item) for item in sorted(progress.values(), key=lambda item: item.topic)
            ),
            weak_topics=tuple(item.topic for item in weak_topics(progress.values())),
            activity=activity,
            today=today,
        )

    async def weak_topics(self, platform: str, external_id: str) -> list[TopicStat]:
        """The user's weakest topics, weakest first."""
        async with self._context.transaction() as repos:
            user = await repos.users.find(platform, external_id)
            if user is None:
                return []
            progress = await repos.learning.topic_progress(user.id)
        return [_topic_stat(item) for item in weak_topics(progress.values())]


def _topic_stat(progress: TopicProgress) -> TopicStat:
    return TopicStat(progress.topic, progress.answers, progress.mean_score, progress.mastery)
