"""Repositories: the only code that speaks SQL. They take a session and return domain objects."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.mastery import TopicProgress
from bot.core.question import Question, QuestionDraft
from bot.core.review import ReviewState
from bot.core.rubric import Rubric
from bot.core.streak import Streak
from bot.db import statements
from bot.db.models import (
    AttemptRow,
    DailyDeliveryRow,
    DailySubscriptionRow,
    PendingQuestionRow,
    QuestionRow,
    UserRow,
)
from bot.db.statements import (
    BANK_STATE,
    PENDING,
    PROGRESS,
    PROGRESS_FIELDS,
    QUESTIONS,
    REVIEW_FIELDS,
    USERS,
)

# Writes go through the Core tables: ORM-enabled DML adds session bookkeeping these statements don't need.
DAILY = DailySubscriptionRow.__table__
DELIVERIES = DailyDeliveryRow.__table__


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name


def _insert(session: AsyncSession) -> Any:
    return statements.insert_for(_dialect(session))


@dataclass(frozen=True, slots=True)
class User:
    """A stored user."""

    id: int
    platform: str
    external_id: str
    display_name: str
    language: str
    timezone: str | None
    streak: Streak
    blocked: bool


@dataclass(frozen=True, slots=True)
class PendingQuestion:
    """A question waiting for a user's answer in a chat."""

    id: int
    platform: str
    chat_id: str
    user_id: int | None
    question_id: int
    message_id: str | None
    hints_used: int
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """A graded answer or a skip, as recorded."""

    user_id: int
    question_id: int
    answer: str
    score: int
    matched: Sequence[str]
    missed: Sequence[str]
    negated: Sequence[str]
    hints_used: int
    skipped: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LearnerHistory:
    """A user's past as choosing the next question sees it."""

    user_id: int
    bank_revision: int
    pending_question_id: int | None
    recent: list[int]  # the questions of the last attempts, newest first
    reviewed: frozenset[int]  # every question the user has reviewed
    dues: dict[int, datetime]  # when the soonest due of them, askable now, are due again
    progress: dict[str, TopicProgress]


@dataclass(frozen=True, slots=True)
class LearningState:
    """What grading one question changes, as stored before the answer."""

    bank_revision: int
    review: ReviewState | None
    progress: TopicProgress


def _new_user(
    platform: str, external_id: str, display_name: str, language: str, now: datetime
) -> dict[str, Any]:
    """The parameters of `statements.ensure_user`."""
    return {
        "platform": platform,
        "external_id": external_id,
        "display_name": display_name,
        "language": language,
        "created_at": now,
    }


def _to_user(row: Any) -> User:
    return User(
        id=row.id,
        platform=row.platform,
        external_id=row.external_id,
        display_name=row.display_name,
        language=row.language,
        timezone=row.timezone,
        streak=Streak(row.streak_current, row.streak_best, row.streak_freezes, row.streak_last_day),
        blocked=row.blocked,
    )


def _to_question(row: Any) -> Question:
    return Question(
        id=row.id,
        key=row.key,
        topic=row.topic,
        text=row.text,
        rubric=Rubric.from_list(row.rubric),
        answer=row.answer,
        difficulty=row.difficulty,
        source=row.source,
        active=row.active,
    )


def _to_pending(row: Any) -> PendingQuestion:
    return PendingQuestion(
        id=row.id,
        platform=row.platform,
        chat_id=row.chat_id,
        user_id=row.user_id,
        question_id=row.question_id,
        message_id=row.message_id,
        hints_used=row.hints_used,
        asked_at=row.asked_at,
    )


def _history_parameters(
    platform: str, chat_id: str, recent_limit: int, due_limit: int, topic: str | None
) -> dict[str, Any]:
    """The parameters of `statements.history` but the user's id."""
    return {
        "chat_platform": platform,
        "chat_id": chat_id,
        "recent_limit": recent_limit,
        "due_limit": due_limit,
        "topic": topic,
    }


def _to_history(rows: Iterable[Any], user_id: int) -> LearnerHistory:
    """Sort the rows of a history statement by kind."""
    revision, pending, reviewed = 0, None, frozenset[int]()
    recent: list[tuple[int, int]] = []
    dues: dict[int, datetime] = {}
    progress: dict[str, TopicProgress] = {}
    for row in rows:
        if row.kind == statements.KIND_DUE:
            dues[row.number] = row.due
        elif row.kind == statements.KIND_RECENT:
            recent.append((row.position, row.number))
        elif row.kind == statements.KIND_PROGRESS:
            progress[row.topic] = TopicProgress(
                row.topic, *(getattr(row, field) for field in PROGRESS_FIELDS)
            )
        elif row.kind == statements.KIND_REVIEWED:
            reviewed = frozenset(
                int(question_id) for question_id in (row.topic or "").split(",") if question_id
            )
        elif row.kind == statements.KIND_PENDING:
            pending = row.number
        elif row.kind == statements.KIND_BANK:
            revision = row.number
    newest_first = [question_id for _, question_id in sorted(recent, reverse=True)]
    return LearnerHistory(user_id, revision, pending, newest_first, reviewed, dues, progress)


class UserRepository:
    """Users and their streaks."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def ensure(
        self, platform: str, external_id: str, display_name: str, language: str, now: datetime
    ) -> User:
        """Return the user, creating it on first contact and refreshing its name and language.

        One upsert does it; on PostgreSQL it also locks the row, serialising one user's writes.
        """
        values = _new_user(platform, external_id, display_name, language, now)
        statement = statements.ensure_user(_dialect(self._session))
        return _to_user((await self._session.execute(statement, values)).one())

    async def find(self, platform: str, external_id: str) -> User | None:
        """Look a user up without creating it."""
        query = select(UserRow).where(UserRow.platform == platform, UserRow.external_id == external_id)
        row = (await self._session.execute(query)).scalar_one_or_none()
        return _to_user(row) if row else None

    async def save_streak(self, user_id: int, streak: Streak) -> None:
        """Store the streak after an answer."""
        await self._session.execute(
            statements.SAVE_STREAK,
            {
                "target_id": user_id,
                "streak_current": streak.current,
                "streak_best": streak.best,
                "streak_freezes": streak.freezes,
                "streak_last_day": streak.last_day,
            },
        )

    async def set_timezone(self, user_id: int, timezone: str) -> None:
        """Remember the user's IANA time zone."""
        await self._session.execute(update(USERS).where(USERS.c.id == user_id).values(timezone=timezone))

    async def set_blocked(self, platform: str, external_id: str, blocked: bool) -> bool:
        """Mark whether the user blocked the bot; tell whether such a user exists."""
        result = await self._session.execute(
            update(USERS)
            .where(USERS.c.platform == platform, USERS.c.external_id == external_id)
            .values(blocked=blocked)
        )
        return bool(result.rowcount)


class QuestionRepository:
    """The question bank."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, question_id: int) -> Question | None:
        """A question by id, active or not."""
        parameters = {"question_id": question_id}
        row = (await self._session.execute(statements.QUESTION_BY_ID, parameters)).one_or_none()
        return _to_question(row) if row else None

    async def get_by_key(self, key: str) -> Question | None:
        """A question by its stable key."""
        row = (
            await self._session.execute(select(QuestionRow).where(QuestionRow.key == key))
        ).scalar_one_or_none()
        return _to_question(row) if row else None

    async def revision(self) -> int:
        """The bank's revision, which every change to the bank increases."""
        return (await self._session.execute(statements.BANK_REVISION)).scalar_one()

    async def _bump_revision(self) -> None:
        await self._session.execute(update(BANK_STATE).values(revision=BANK_STATE.c.revision + 1))

    async def count(self) -> int:
        """How many questions the bank holds, active or not."""
        return (await self._session.execute(select(func.count()).select_from(QuestionRow))).scalar_one()

    async def upsert(
        self, drafts: Iterable[QuestionDraft], now: datetime, added_by: int | None = None
    ) -> list[bool]:
        """Insert or update by key; returns, per draft, whether it was new. Re-activates updated questions."""
        created: list[bool] = []
        for draft in drafts:
            row = (
                await self._session.execute(select(QuestionRow).where(QuestionRow.key == draft.key))
            ).scalar_one_or_none()
            if row is None:
                row = QuestionRow(key=draft.key, created_at=now, added_by=added_by)
                self._session.add(row)
                created.append(True)
            else:
                created.append(False)
            row.topic = draft.topic
            row.text = draft.text
            row.rubric = draft.rubric.to_list()
            row.answer = draft.answer
            row.difficulty = draft.difficulty
            row.source = draft.source
            row.active = True
            row.updated_at = now
        await self._session.flush()
        await self._bump_revision()
        return created

    async def set_active(self, question_id: int, active: bool, now: datetime) -> Question | None:
        """Activate or deactivate a question; None if there is no such question."""
        row = await self._session.get(QuestionRow, question_id)
        if row is None:
            return None
        row.active = active
        row.updated_at = now
        await self._session.flush()
        await self._bump_revision()
        return _to_question(row)

    async def list(self, topic: str | None = None, active_only: bool = False) -> list[Question]:
        """Questions ordered by id, optionally of one topic."""
        query = select(*QUESTIONS.columns).order_by(QUESTIONS.c.id)
        if topic is not None:
            query = query.where(QUESTIONS.c.topic == topic)
        if active_only:
            query = query.where(QUESTIONS.c.active.is_(True))
        return [_to_question(row) for row in await self._session.execute(query)]

    async def topics(self) -> list[tuple[str, int]]:
        """Active topics with their question counts, by name."""
        query = (
            select(QuestionRow.topic, func.count())
            .where(QuestionRow.active.is_(True))
            .group_by(QuestionRow.topic)
            .order_by(QuestionRow.topic)
        )
        return [(topic, count) for topic, count in (await self._session.execute(query)).all()]


class LearningRepository:
    """What a user has done: attempts, review states, topic progress, pending questions."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- selection inputs -------------------------------------------------------------------------

    async def history(
        self,
        platform: str,
        chat_id: str,
        user_id: int,
        recent_limit: int,
        due_limit: int,
        topic: str | None = None,
    ) -> LearnerHistory:
        """What choosing the user's next question needs: the last `recent_limit` attempts, every
        reviewed question, and the `due_limit` soonest due among the active ones (of `topic`, if given).

        The bank revision, the open question and the topic progress come in the same UNION ALL, since
        every statement costs a round trip through the driver.
        """
        parameters = {
            **_history_parameters(platform, chat_id, recent_limit, due_limit, topic),
            "user_id": user_id,
        }
        rows = await self._session.execute(statements.history(_dialect(self._session)), parameters)
        return _to_history(rows, user_id)

    async def ensure_user_with_history(
        self,
        platform: str,
        chat_id: str,
        user_platform: str,
        external_id: str,
        display_name: str,
        language: str,
        now: datetime,
        recent_limit: int,
        due_limit: int,
        topic: str | None = None,
    ) -> LearnerHistory:
        """`UserRepository.ensure`, then `history` of that user in the chat, in one statement where it can.

        PostgreSQL upserts within the read. SQLite reads by the user's key, and upserts after only a new user
        or a changed name or language, so the usual /quiz is one statement there too.
        """
        new_user = _new_user(user_platform, external_id, display_name, language, now)
        parameters = {**_history_parameters(platform, chat_id, recent_limit, due_limit, topic), **new_user}
        statement = statements.ensure_user_with_history(_dialect(self._session))
        rows = (await self._session.execute(statement, parameters)).all()
        user = next((row for row in rows if row.kind == statements.KIND_USER), None)
        # No row: a user SQLite has not stored yet; a true `answers`: a name or language it has yet to.
        if user is None or user.answers:
            stored = await UserRepository(self._session).ensure(
                user_platform, external_id, display_name, language, now
            )
            return _to_history(rows, stored.id)
        return _to_history(rows, user.number)

    # --- learning state ---------------------------------------------------------------------------

    async def learning_state(self, user_id: int, question_id: int) -> LearningState:
        """The bank revision, a question's FSRS state and the progress in its topic, in one round trip."""
        parameters = {"user_id": user_id, "question_id": question_id}
        row = (await self._session.execute(statements.LEARNING_STATE, parameters)).one()
        review = None if row.due is None else ReviewState(*(getattr(row, field) for field in REVIEW_FIELDS))
        progress = (
            TopicProgress(row.topic or "")
            if row.answers is None
            else TopicProgress(row.topic, *(getattr(row, field) for field in PROGRESS_FIELDS))
        )
        return LearningState(row.revision, review, progress)

    async def save_learning_state(
        self, user_id: int, question_id: int, topic: str, review: ReviewState, progress: TopicProgress
    ) -> None:
        """Insert or replace the FSRS state of the question and the progress in its topic."""
        dialect = _dialect(self._session)
        review_values = {field: getattr(review, field) for field in REVIEW_FIELDS}
        await self._session.execute(
            statements.save_review(dialect),
            {"user_id": user_id, "question_id": question_id, "topic": topic, **review_values},
        )
        progress_values = {field: getattr(progress, field) for field in PROGRESS_FIELDS}
        await self._session.execute(
            statements.save_progress(dialect), {"user_id": user_id, "topic": topic, **progress_values}
        )

    async def topic_progress(self, user_id: int) -> dict[str, TopicProgress]:
        """The user's progress in every topic practised."""
        query = select(PROGRESS.c.topic, *(PROGRESS.c[field] for field in PROGRESS_FIELDS)).where(
            PROGRESS.c.user_id == user_id
        )
        return {row.topic: TopicProgress(*row) for row in await self._session.execute(query)}

    async def add_attempt(self, attempt: Attempt) -> None:
        """Record a graded answer or a skip."""
        await self._session.execute(
            statements.ADD_ATTEMPT,
            {
                "user_id": attempt.user_id,
                "question_id": attempt.question_id,
                "answer": attempt.answer,
                "score": attempt.score,
                "matched": list(attempt.matched),
                "missed": list(attempt.missed),
                "negated": list(attempt.negated),
                "hints_used": attempt.hints_used,
                "skipped": attempt.skipped,
                "created_at": attempt.created_at,
            },
        )

    async def answered_since(self, user_id: int, question_id: int, since: datetime) -> bool:
        """Whether the user already answered this question since a moment, e.g. since it was asked."""
        query = (
            select(AttemptRow.id)
            .where(
                AttemptRow.user_id == user_id,
                AttemptRow.question_id == question_id,
                AttemptRow.created_at >= since,
            )
            .limit(1)
        )
        return (await self._session.execute(query)).first() is not None

    async def answer_count(self, user_id: int) -> int:
        """Graded answers, skips excluded."""
        query = select(func.count()).where(AttemptRow.user_id == user_id, AttemptRow.skipped.is_(False))
        return (await self._session.execute(query)).scalar_one()

    async def attempt_times(self, user_id: int, since: datetime) -> list[datetime]:
        """When the user answered since a moment, for an activity calendar."""
        query = select(AttemptRow.created_at).where(
            AttemptRow.user_id == user_id, AttemptRow.created_at >= since, AttemptRow.skipped.is_(False)
        )
        return list((await self._session.execute(query)).scalars())

    # --- pending questions ------------------------------------------------------------------------

    async def pending(
        self, platform: str, chat_id: str, user_id: int, lock: bool = False
    ) -> PendingQuestion | None:
        """The user's open question in a chat."""
        query = select(PendingQuestionRow).where(
            PendingQuestionRow.platform == platform,
            PendingQuestionRow.chat_id == chat_id,
            PendingQuestionRow.user_id == user_id,
        )
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).scalar_one_or_none()
        return _to_pending(row) if row else None

    async def pending_by_message(
        self, platform: str, chat_id: str, message_id: str
    ) -> PendingQuestion | None:
        """The open question that a given chat message asked."""
        query = select(PendingQuestionRow).where(
            PendingQuestionRow.platform == platform,
            PendingQuestionRow.chat_id == chat_id,
            PendingQuestionRow.message_id == message_id,
        )
        row = (await self._session.execute(query)).scalars().first()
        return _to_pending(row) if row else None

    async def put_pending(
        self, platform: str, chat_id: str, user_id: int, question_id: int, now: datetime
    ) -> PendingQuestion:
        """Make this the user's open question in the chat, replacing any earlier one."""
        values = {
            "platform": platform,
            "chat_id": chat_id,
            "user_id": user_id,
            "question_id": question_id,
            "hints_used": 0,
            "asked_at": now,
        }
        statement = statements.put_pending(_dialect(self._session))
        return _to_pending((await self._session.execute(statement, values)).one())

    async def put_chat_pending(
        self, platform: str, chat_id: str, question_id: int, now: datetime
    ) -> PendingQuestion:
        """Open a question for the whole chat (a group's daily question), replacing the previous one."""
        await self._session.execute(
            delete(PENDING).where(
                PENDING.c.platform == platform, PENDING.c.chat_id == chat_id, PENDING.c.user_id.is_(None)
            )
        )
        statement = (
            _insert(self._session)(PENDING)
            .values(
                platform=platform,
                chat_id=chat_id,
                user_id=None,
                question_id=question_id,
                hints_used=0,
                asked_at=now,
            )
            .returning(*PENDING.columns)
        )
        return _to_pending((await self._session.execute(statement)).one())

    async def set_pending_message(self, pending_id: int, message_id: str) -> None:
        """Remember which chat message asked the question, so replies to it can be matched."""
        await self._session.execute(
            update(PENDING).where(PENDING.c.id == pending_id).values(message_id=message_id)
        )

    async def set_pending_hints(self, pending_id: int, hints_used: int) -> None:
        """Count the hints taken on an open question."""
        await self._session.execute(
            update(PENDING).where(PENDING.c.id == pending_id).values(hints_used=hints_used)
        )

    async def take_pending(self, platform: str, chat_id: str, user_id: int) -> PendingQuestion | None:
        """Close the user's open question in the chat and return it; one statement, so two answers
        racing for the same question cannot both get it."""
        parameters = {"platform": platform, "chat_id": chat_id, "user_id": user_id}
        row = (await self._session.execute(statements.TAKE_PENDING, parameters)).one_or_none()
        return _to_pending(row) if row else None

    async def clear_pending(self, platform: str, chat_id: str, user_id: int) -> None:
        """Close the user's open question in the chat."""
        await self._session.execute(
            delete(PENDING).where(
                PENDING.c.platform == platform, PENDING.c.chat_id == chat_id, PENDING.c.user_id == user_id
            )
        )


@dataclass(frozen=True, slots=True)
class DailySubscription:
    """A chat's daily push setting."""

    platform: str
    chat_id: str
    is_group: bool
    user_id: int | None
    local_time: str | None
    timezone: str | None
    active: bool
    next_push_at: datetime | None


def _to_subscription(row: DailySubscriptionRow) -> DailySubscription:
    return DailySubscription(
        row.platform,
        row.chat_id,
        row.is_group,
        row.user_id,
        row.local_time,
        row.timezone,
        row.active,
        row.next_push_at,
    )


class DailyRepository:
    """Daily push settings per chat."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, platform: str, chat_id: str) -> DailySubscription | None:
        """The chat's setting, if it ever had one."""
        query = select(DailySubscriptionRow).where(
            DailySubscriptionRow.platform == platform, DailySubscriptionRow.chat_id == chat_id
        )
        row = (await self._session.execute(query)).scalar_one_or_none()
        return _to_subscription(row) if row else None

    async def due(self, platform: str, now: datetime, limit: int) -> list[DailySubscription]:
        """A platform's active subscriptions whose next push time has come, earliest first."""
        query = (
            select(DailySubscriptionRow)
            .where(
                DailySubscriptionRow.platform == platform,
                DailySubscriptionRow.active.is_(True),
                DailySubscriptionRow.next_push_at <= now,
            )
            .order_by(DailySubscriptionRow.next_push_at, DailySubscriptionRow.id)
            .limit(limit)
        )
        return [_to_subscription(row) for row in (await self._session.execute(query)).scalars()]

    async def reschedule(
        self, platform: str, chat_id: str, next_push_at: datetime | None, active: bool
    ) -> None:
        """Move a chat's next push, or switch it off."""
        await self._session.execute(
            update(DAILY)
            .where(DAILY.c.platform == platform, DAILY.c.chat_id == chat_id)
            .values(next_push_at=next_push_at, active=active)
        )

    async def claim_delivery(
        self, platform: str, chat_id: str, local_date: date, now: datetime, lease: timedelta
    ) -> str:
        """Take the one delivery of a chat's local date: "claimed", "in_flight" (another run has it), "done".

        The unique key on (platform, chat, local date) is what stops two runs from both sending. A run that
        died between claiming and sending leaves "sending" behind, taken over once `lease` has passed.
        """
        inserted = await self._session.execute(
            _insert(self._session)(DELIVERIES)
            .values(
                platform=platform,
                chat_id=chat_id,
                local_date=local_date,
                status="sending",
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["platform", "chat_id", "local_date"])
            .returning(DELIVERIES.c.id)
        )
        if inserted.first() is not None:
            return "claimed"
        this_delivery = (
            (DELIVERIES.c.platform == platform)
            & (DELIVERIES.c.chat_id == chat_id)
            & (DELIVERIES.c.local_date == local_date)
        )
        retaken = await self._session.execute(
            update(DELIVERIES)
            .where(this_delivery, DELIVERIES.c.status == "sending", DELIVERIES.c.updated_at <= now - lease)
            .values(updated_at=now)
        )
        if retaken.rowcount:
            return "claimed"
        status = (await self._session.execute(select(DELIVERIES.c.status).where(this_delivery))).scalar_one()
        return "in_flight" if status == "sending" else "done"

    async def finish_delivery(
        self,
        platform: str,
        chat_id: str,
        local_date: date,
        status: str,
        now: datetime,
        question_id: int | None = None,
        message_id: str | None = None,
    ) -> None:
        """Record how a claimed delivery ended: sent, blocked or failed."""
        await self._session.execute(
            update(DELIVERIES)
            .where(
                DELIVERIES.c.platform == platform,
                DELIVERIES.c.chat_id == chat_id,
                DELIVERIES.c.local_date == local_date,
            )
            .values(status=status, question_id=question_id, message_id=message_id, updated_at=now)
        )

    async def recent_questions(self, platform: str, chat_id: str, limit: int) -> list[int]:
        """Questions recently pushed to a chat, newest first."""
        query = (
            select(DELIVERIES.c.question_id)
            .where(
                DELIVERIES.c.platform == platform,
                DELIVERIES.c.chat_id == chat_id,
                DELIVERIES.c.question_id.is_not(None),
            )
            .order_by(DELIVERIES.c.local_date.desc())
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def save(self, subscription: DailySubscription, now: datetime) -> None:
        """Insert or replace the chat's setting."""
        insert = _insert(self._session)
        values = {
            "platform": subscription.platform,
            "chat_id": subscription.chat_id,
            "is_group": subscription.is_group,
            "user_id": subscription.user_id,
            "local_time": subscription.local_time,
            "timezone": subscription.timezone,
            "active": subscription.active,
            "next_push_at": subscription.next_push_at,
            "updated_at": now,
        }
        statement = insert(DAILY).values(**values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["platform", "chat_id"],
                set_={name: value for name, value in values.items() if name not in ("platform", "chat_id")},
            )
        )


@dataclass(frozen=True, slots=True)
class Repositories:
    """The repositories bound to one session, i.e. to one transaction."""

    users: UserRepository
    questions: QuestionRepository
    learning: LearningRepository
    daily: DailyRepository

    @classmethod
    def for_session(cls, session: AsyncSession) -> Repositories:
        """Bind every repository to the session."""
        return cls(
            UserRepository(session),
            QuestionRepository(session),
            LearningRepository(session),
            DailyRepository(session),
        )
