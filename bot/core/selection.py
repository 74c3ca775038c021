"""Choosing the next question: due reviews first, then new questions leaning toward weak topics."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.mastery import MIN_ANSWERS_FOR_WEAKNESS, TopicProgress

RECENT_WINDOW = 10
# Due and ahead picks take the soonest due review not recently asked, so the due dates of this many
# soonest reviews suffice: the recent window plus the open question, plus one.
DUES_NEEDED = RECENT_WINDOW + 2
# How much more likely the weakest topic is to supply a new question than an unjudged one.
WEAKNESS_BIAS = 4.0
UNJUDGED_WEAKNESS = 0.5


@dataclass(frozen=True, slots=True)
class Candidates:
    """Askable question ids per topic, and the topic of each id, so that a membership test is one lookup.

    A bank holds thousands of questions and a user's history only dozens, so the choice works from
    the history and touches the ids of one topic only; build this once per bank, not per choice.
    """

    by_topic: Mapping[str, tuple[int, ...]]
    topic_of: Mapping[int, str]

    @classmethod
    def of(cls, by_topic: Mapping[str, Iterable[int]]) -> Candidates:
        """Index ids given per topic; an id listed under two topics stays in the first by name."""
        topic_of: dict[int, str] = {}
        for topic in sorted(by_topic):
            for question_id in by_topic[topic]:
                topic_of.setdefault(question_id, topic)
        grouped: dict[str, list[int]] = {}
        for question_id, topic in topic_of.items():
            grouped.setdefault(topic, []).append(question_id)
        return cls({topic: tuple(grouped[topic]) for topic in sorted(grouped)}, topic_of)

    def only(self, topic: str) -> Candidates:
        """The candidates of one topic."""
        ids = self.by_topic.get(topic, ())
        return Candidates({topic: ids} if ids else {}, {question_id: topic for question_id in ids})


@dataclass(frozen=True, slots=True)
class SelectionPool:
    """Everything the choice depends on.

    `candidates` holds the askable questions (already limited to a requested topic); `reviewed` every
    question the user has reviewed; `due` when reviewed questions are due again, for at least the
    DUES_NEEDED soonest among the candidates (all of them will do); `recent` lists the last questions
    asked, newest first; `progress` is the user's record per topic.
    """

    candidates: Candidates
    reviewed: Collection[int]
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
    topic_of = pool.candidates.topic_of
    recent = [qid for qid in pool.recent if qid in topic_of]
    avoided = set(recent[:RECENT_WINDOW])
    reviewed = [(due, qid) for qid, due in pool.due.items() if qid in topic_of and qid not in avoided]
    overdue = [item for item in reviewed if item[0] <= now]
    if overdue:
        return Pick(min(overdue)[1], "due")
    seen = avoided.union(qid for qid in pool.reviewed if qid in topic_of)
    seen_per_topic = Counter(topic_of[qid] for qid in seen)
    topics = [topic for topic, ids in pool.candidates.by_topic.items() if len(ids) > seen_per_topic[topic]]
    if topics:
        weights = [1.0 + WEAKNESS_BIAS * _weakness(pool.progress.get(topic)) for topic in topics]
        topic = rng.choices(topics, weights=weights)[0]
        unseen = [qid for qid in pool.candidates.by_topic[topic] if qid not in seen]
        return Pick(rng.choice(unseen), "new")
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
