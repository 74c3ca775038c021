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
class SelectionPool:
    """Everything the choice depends on.

    `candidates` holds the askable question ids per topic (already limited to a requested topic);
    `due` maps each question the user has reviewed to when it is due again; `recent` lists the last
    questions asked, newest first; `progress` is the user's record per topic.
    """

    candidates: Mapping[str, Sequence[int]]
    due: Mapping[int, datetime]
    recent: Sequence[int]
    progress: Mapping[str, TopicProgress]


@dataclass(frozen=True, slots=True)
class Pick:
    """The chosen question and why: due, new, ahead (reviewed, not yet due), repeat or only."""

    question_id: int
    reason: str


def choose_next(pool: SelectionPool, now: datetime, rng: random.Random) -> Pick | None:
    """Choose what to ask next, never the last question again and nothing recent unless nothing else."""
    in_scope = {qid for ids in pool.candidates.values() for qid in ids}
    recent = [qid for qid in pool.recent if qid in in_scope]
    avoided = set(recent[:RECENT_WINDOW])
    reviewed = [(due, qid) for qid, due in pool.due.items() if qid in in_scope and qid not in avoided]
    overdue = [item for item in reviewed if item[0] <= now]
    if overdue:
        return Pick(min(overdue)[1], "due")
    unseen = {
        topic: fresh
        for topic, ids in sorted(pool.candidates.items())
        if (fresh := [qid for qid in ids if qid not in pool.due and qid not in avoided])
    }
    if unseen:
        topics = list(unseen)
        weights = [1.0 + WEAKNESS_BIAS * _weakness(pool.progress.get(topic)) for topic in topics]
        topic = rng.choices(topics, weights=weights)[0]
        return Pick(rng.choice(unseen[topic]), "new")
    if reviewed:
        return Pick(min(reviewed)[1], "ahead")
    return _least_recent(recent)


def _weakness(progress: TopicProgress | None) -> float:
    if progress is None or progress.attempts < MIN_ANSWERS_FOR_WEAKNESS:
        return UNJUDGED_WEAKNESS
    return 1.0 - progress.mastery


def _least_recent(recent: Sequence[int]) -> Pick | None:
    """Everything in scope was asked lately: repeat the oldest, and the last one only if alone."""
    if not recent:
        return None
    last = recent[0]
    older = [qid for qid in reversed(dict.fromkeys(recent)) if qid != last]
    return Pick(older[0], "repeat") if older else Pick(last, "only")
