"""Per-topic mastery and the weak topics it points to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Recent answers should move mastery more than old ones: an exponential moving average.
MASTERY_SMOOTHING = 0.3
MIN_ANSWERS_FOR_WEAKNESS = 3
WEAK_TOPIC_LIMIT = 3


@dataclass(frozen=True, slots=True)
class TopicProgress:
    """A user's record in one topic; mastery is 0..1."""

    topic: str
    answers: int = 0
    skips: int = 0
    score_sum: int = 0
    mastery: float = 0.0

    @property
    def attempts(self) -> int:
        """Answers and skips together: every time the topic was practised."""
        return self.answers + self.skips

    @property
    def mean_score(self) -> float:
        """Mean score of the graded answers, 0..100."""
        return self.score_sum / self.answers if self.answers else 0.0


def record_result(progress: TopicProgress, score: int, skipped: bool = False) -> TopicProgress:
    """Fold one graded answer, or a skip counted as zero, into the topic's progress."""
    value = 0.0 if skipped else score / 100
    mastery = (
        value if progress.attempts == 0 else progress.mastery + MASTERY_SMOOTHING * (value - progress.mastery)
    )
    return TopicProgress(
        topic=progress.topic,
        answers=progress.answers + (0 if skipped else 1),
        skips=progress.skips + (1 if skipped else 0),
        score_sum=progress.score_sum + (0 if skipped else score),
        mastery=round(mastery, 4),
    )


def weak_topics(
    progress: Iterable[TopicProgress],
    min_attempts: int = MIN_ANSWERS_FOR_WEAKNESS,
    limit: int = WEAK_TOPIC_LIMIT,
) -> list[TopicProgress]:
    """The lowest-mastery topics among those practised often enough to judge."""
    judged = [item for item in progress if item.attempts >= min_attempts]
    return sorted(judged, key=lambda item: (item.mastery, item.topic))[:limit]
