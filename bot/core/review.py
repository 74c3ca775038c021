"""Spaced repetition per user and question, scheduled by FSRS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

# Interview questions need longer than flashcards to be worth asking again.
_SCHEDULER = Scheduler(
    learning_steps=(timedelta(minutes=10),),
    relearning_steps=(timedelta(minutes=10),),
    enable_fuzzing=False,
)
# Above the pass mark, how far above decides between Hard, Good and Easy.
GOOD_FROM_SCORE = 75
EASY_FROM_SCORE = 95


@dataclass(frozen=True, slots=True)
class ReviewState:
    """What FSRS remembers about one user and one question."""

    due: datetime
    state: int = State.Learning.value
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


def rating_for(score: int, pass_score: int, hints_used: int = 0, skipped: bool = False) -> Rating:
    """Translate a graded answer into an FSRS rating; a hint means the recall needed help."""
    if skipped or score < pass_score:
        return Rating.Again
    if hints_used or score < GOOD_FROM_SCORE:
        return Rating.Hard
    return Rating.Good if score < EASY_FROM_SCORE else Rating.Easy


def schedule_review(previous: ReviewState | None, rating: Rating, now: datetime) -> ReviewState:
    """Return the state after a review at `now`; the first review starts from a new card."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    card = (
        # An explicit card id keeps fsrs from deriving one from the wall clock.
        Card(card_id=0, due=now)
        if previous is None
        else Card(
            card_id=0,
            state=State(previous.state),
            step=previous.step,
            stability=previous.stability,
            difficulty=previous.difficulty,
            due=previous.due,
            last_review=previous.last_review,
        )
    )
    reviewed, _log = _SCHEDULER.review_card(card, rating, now)
    reps = previous.reps if previous else 0
    lapses = previous.lapses if previous else 0
    return ReviewState(
        due=reviewed.due,
        state=reviewed.state.value,
        step=reviewed.step,
        stability=reviewed.stability,
        difficulty=reviewed.difficulty,
        last_review=reviewed.last_review,
        reps=reps + 1,
        lapses=lapses + (1 if rating == Rating.Again and previous is not None else 0),
    )
