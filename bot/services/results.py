"""Plain results the services return; adapters render them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core.grading import GradeResult
from bot.core.question import Question
from bot.core.rubric import KeyPoint


@dataclass(frozen=True, slots=True)
class QuizStarted:
    """A question was chosen and is now the user's pending question."""

    question: Question
    pending_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class NoQuestion:
    """Nothing to ask, e.g. an empty bank or topic."""

    topic: str | None = None


@dataclass(frozen=True, slots=True)
class UnknownTopic:
    """The asked topic does not exist; these ones do."""

    topic: str
    available: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NothingPending:
    """The user has no open question here."""


@dataclass(frozen=True, slots=True)
class StaleQuestion:
    """A button or reply that belongs to a question that is no longer open."""


@dataclass(frozen=True, slots=True)
class AlreadyAnswered:
    """The user already answered this group question."""


@dataclass(frozen=True, slots=True)
class AnswerGraded:
    """The feedback on an answer."""

    question: Question
    grade: GradeResult
    hints_used: int
    streak: int
    best_streak: int
    freezes: int


@dataclass(frozen=True, slots=True)
class HintGiven:
    """One key point revealed, and the score cap that now applies."""

    question: Question
    point: KeyPoint
    hints_used: int
    score_cap: int


@dataclass(frozen=True, slots=True)
class NoMoreHints:
    """Every hint this question allows has been taken."""

    hints_used: int


@dataclass(frozen=True, slots=True)
class Skipped:
    """The question was given up; its reference answer is shown."""

    question: Question


@dataclass(frozen=True, slots=True)
class NotAllowed:
    """The caller is not an admin; nothing was written."""


@dataclass(frozen=True, slots=True)
class Malformed:
    """The input could not be parsed; nothing was written. An empty reason means there was no input at all.

    `usage` names the catalogue string that explains the expected form.
    """

    reason: str
    usage: str = "addq_usage"


@dataclass(frozen=True, slots=True)
class QuestionAdded:
    """A question was stored and can be asked at once."""

    question: Question


@dataclass(frozen=True, slots=True)
class DuplicateQuestion:
    """The same question is already in the bank."""

    question: Question


@dataclass(frozen=True, slots=True)
class QuestionDeactivated:
    """The question will not be asked any more."""

    question: Question


@dataclass(frozen=True, slots=True)
class QuestionNotFound:
    """No question has that id, or it is already inactive."""

    question_id: int


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """How an import went."""

    created: int
    updated: int


@dataclass(frozen=True, slots=True)
class TopicStat:
    """A user's record in one topic."""

    topic: str
    answers: int
    mean_score: float
    mastery: float


@dataclass(frozen=True, slots=True)
class UserStats:
    """Everything /stats and `drillbot stats` show."""

    user_id: str
    answers: int
    streak: int
    best_streak: int
    freezes: int
    last_answer_date: date | None
    topics: tuple[TopicStat, ...]
    weak_topics: tuple[str, ...]
    activity: dict[date, int] = field(default_factory=dict)
    today: date | None = None

    def to_json(self) -> dict:
        """The CLI's JSON contract."""
        return {
            "user_id": self.user_id,
            "answers": self.answers,
            "streak": self.streak,
            "best_streak": self.best_streak,
            "freezes": self.freezes,
            "last_answer_date": self.last_answer_date.isoformat() if self.last_answer_date else None,
            "topics": [
                {
                    "topic": item.topic,
                    "answers": item.answers,
                    "mean_score": round(item.mean_score, 1),
                    "mastery": round(item.mastery, 3),
                }
                for item in self.topics
            ],
            "weak_topics": list(self.weak_topics),
        }


@dataclass(frozen=True, slots=True)
class UnknownUser:
    """No such user has answered anything yet."""

    user_id: str
