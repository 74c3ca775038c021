"""Choosing the next question: due reviews first, then new questions leaning toward weak topics."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.mastery import MIN_ANSWERS_FOR_WEAKNESS, TopicProgress

RECENT_WINDOW = 10
# How much more likely the weakest topic is to supply a new question than an unjudged one.
WEAKNESS_BIAS = 4.0
UNJUDGED_WEAKNESS = 0.5


@dataclass(frozen=True, slots=True)
class ScheduledQuestion:
    """A question the user has reviewed before, and when it is due again."""

    question_id: int
    topic: str
    due: datetime


@dataclass(frozen=True, slots=True)
class SelectionPool:
    """What the store knows that the choice depends on, already limited to the requested topic.

    `scheduled` holds the earliest-due reviewed questions, enough of them to survive the recent filter.
    `recent` lists the last questions asked (active ones, in scope), newest first; `unseen_by_topic` counts
    never-reviewed questions outside `recent`.
    """

    scheduled: Sequence[ScheduledQuestion]
    unseen_by_topic: Mapping[str, int]
    recent: Sequence[int]
    progress: Mapping[str, TopicProgress]


@dataclass(frozen=True, slots=True)
class Pick:
    """Either a specific question, or a topic from which to draw the `offset`-th unseen question."""

    reason: str
    question_id: int | None = None
    topic: str | None = None
    offset: int = 0


def choose_next(pool: SelectionPool, now: datetime, rng: random.Random) -> Pick | None:
    """Choose what to ask next, never the last question again and nothing recent unless nothing else."""
    recent = set(pool.recent[:RECENT_WINDOW])
    fresh = [item for item in pool.scheduled if item.question_id not in recent]
    due = [item for item in fresh if item.due <= now]
    if due:
        return Pick("due", question_id=min(due, key=lambda item: item.due).question_id)
    topics = [topic for topic, count in sorted(pool.unseen_by_topic.items()) if count > 0]
    if topics:
        weights = [1.0 + WEAKNESS_BIAS * _weakness(pool.progress.get(topic)) for topic in topics]
        topic = rng.choices(topics, weights=weights)[0]
        return Pick("new", topic=topic, offset=rng.randrange(pool.unseen_by_topic[topic]))
    if fresh:
        return Pick("ahead", question_id=min(fresh, key=lambda item: item.due).question_id)
    return _least_recent(pool)


def _weakness(progress: TopicProgress | None) -> float:
    if progress is None or progress.attempts < MIN_ANSWERS_FOR_WEAKNESS:
        return UNJUDGED_WEAKNESS
    return 1.0 - progress.mastery


def _least_recent(pool: SelectionPool) -> Pick | None:
    """The bank is exhausted: repeat what was asked longest ago, and the last question only if alone."""
    if not pool.recent:
        return None
    last = pool.recent[0]
    older = [qid for qid in reversed(pool.recent) if qid != last]
    return Pick("repeat", question_id=older[0]) if older else Pick("only", question_id=last)
