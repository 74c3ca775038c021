"""Statements of the drill's hot path, built once and executed with parameters.

Building a SQLAlchemy statement and computing its cache key costs more than SQLite takes to run it, and a
/quiz or an answer runs several. Built once, a statement keeps its cache key and compiled form, so each
execution only binds values. The upserts differ in syntax between SQLite and PostgreSQL, so those are
built once per dialect.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    delete,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.db.models import (
    AttemptRow,
    BankStateRow,
    PendingQuestionRow,
    QuestionRow,
    ReviewStateRow,
    TopicProgressRow,
    UserRow,
    UtcDateTime,
)

USERS = UserRow.__table__
QUESTIONS = QuestionRow.__table__
BANK_STATE = BankStateRow.__table__
ATTEMPTS = AttemptRow.__table__
REVIEWS = ReviewStateRow.__table__
PROGRESS = TopicProgressRow.__table__
PENDING = PendingQuestionRow.__table__

REVIEW_FIELDS = ("due", "state", "step", "stability", "difficulty", "last_review", "reps", "lapses")
PROGRESS_FIELDS = ("answers", "skips", "score_sum", "mastery")

# Kinds of row in the history UNION.
KIND_REVIEWED, KIND_DUE, KIND_RECENT, KIND_PENDING, KIND_PROGRESS, KIND_BANK = range(6)


def insert_for(dialect: str) -> Any:
    """The dialect's INSERT construct, which knows ON CONFLICT."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


@cache
def ensure_user(dialect: str) -> Any:
    """Insert the user or refresh a non-empty name and language; returns the whole row."""
    statement = insert_for(dialect)(USERS)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["platform", "external_id"],
        set_={
            "display_name": func.coalesce(func.nullif(excluded.display_name, ""), USERS.c.display_name),
            "language": func.coalesce(func.nullif(excluded.language, ""), USERS.c.language),
        },
    ).returning(*USERS.columns)


SAVE_STREAK = update(USERS).where(USERS.c.id == bindparam("target_id"))


@cache
def put_pending(dialect: str) -> Any:
    """Make a question the user's open one in a chat, replacing any earlier one; returns the row."""
    statement = insert_for(dialect)(PENDING)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["platform", "chat_id", "user_id"],
        set_={
            "question_id": excluded.question_id,
            "message_id": None,
            "hints_used": 0,
            "asked_at": excluded.asked_at,
        },
    ).returning(*PENDING.columns)


TAKE_PENDING = (
    delete(PENDING)
    .where(
        PENDING.c.platform == bindparam("platform"),
        PENDING.c.chat_id == bindparam("chat_id"),
        PENDING.c.user_id == bindparam("user_id"),
    )
    .returning(*PENDING.columns)
)

ADD_ATTEMPT = ATTEMPTS.insert()


def _replace(dialect: str, table: Any, keys: tuple[str, ...], fields: tuple[str, ...]) -> Any:
    statement = insert_for(dialect)(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={field: statement.excluded[field] for field in fields}
    )


@cache
def save_review(dialect: str) -> Any:
    """Insert or replace one FSRS state."""
    return _replace(dialect, REVIEWS, ("user_id", "question_id"), ("topic", *REVIEW_FIELDS))


@cache
def save_progress(dialect: str) -> Any:
    """Insert or replace the progress in one topic."""
    return _replace(dialect, PROGRESS, ("user_id", "topic"), PROGRESS_FIELDS)


# Every branch of the history UNION has these columns; the first branch fixes their types.
_HISTORY_COLUMNS = {
    "position": Integer(),
    "due": UtcDateTime(),
    "topic": String(),
    "answers": Integer(),
    "skips": Integer(),
    "score_sum": Integer(),
    "mastery": Float(),
}


def _history_branch(kind: int, number: Any, **columns: Any) -> Select[Any]:
    """One SELECT of the UNION: a kind, a number (question id or revision), typed NULLs elsewhere."""
    return select(
        literal(kind, Integer()).label("kind"),
        (cast(null(), Integer()) if number is None else number).label("number"),
        *(
            columns.get(name, cast(null(), column_type)).label(name)
            for name, column_type in _HISTORY_COLUMNS.items()
        ),
    )


_recent_attempts = (
    select(ATTEMPTS.c.id, ATTEMPTS.c.question_id)
    .where(ATTEMPTS.c.user_id == bindparam("user_id"))
    .order_by(ATTEMPTS.c.id.desc())
    .limit(bindparam("recent_limit"))
    .subquery()
)

# The soonest due dates among the user's reviewed questions that can be asked (of one topic, if given).
_soonest_dues = (
    select(REVIEWS.c.question_id, REVIEWS.c.due)
    .join(QUESTIONS, QUESTIONS.c.id == REVIEWS.c.question_id)
    .where(
        REVIEWS.c.user_id == bindparam("user_id"),
        QUESTIONS.c.active.is_(True),
        or_(bindparam("topic", type_=String()).is_(None), QUESTIONS.c.topic == bindparam("topic")),
    )
    .order_by(REVIEWS.c.due)
    .limit(bindparam("due_limit"))
    .subquery()
)


def _id_list(dialect: str) -> Any:
    """Every reviewed question id in one comma-separated value, so a long history is one row."""
    if dialect == "postgresql":
        return func.string_agg(cast(REVIEWS.c.question_id, String()), literal(","))
    return func.group_concat(REVIEWS.c.question_id)


@cache
def history(dialect: str) -> Any:
    """The reads that choosing a question needs, in one round trip; `kind` tells the rows apart."""
    return union_all(
        _history_branch(KIND_REVIEWED, None, topic=_id_list(dialect)).where(
            REVIEWS.c.user_id == bindparam("user_id")
        ),
        _history_branch(KIND_DUE, _soonest_dues.c.question_id, due=_soonest_dues.c.due),
        _history_branch(KIND_RECENT, _recent_attempts.c.question_id, position=_recent_attempts.c.id),
        _history_branch(KIND_PENDING, PENDING.c.question_id).where(
            PENDING.c.platform == bindparam("platform"),
            PENDING.c.chat_id == bindparam("chat_id"),
            PENDING.c.user_id == bindparam("user_id"),
        ),
        _history_branch(
            KIND_PROGRESS,
            None,
            topic=PROGRESS.c.topic,
            **{field: PROGRESS.c[field] for field in PROGRESS_FIELDS},
        ).where(PROGRESS.c.user_id == bindparam("user_id")),
        _history_branch(KIND_BANK, BANK_STATE.c.revision),
    )


# The single bank_state row anchors outer joins that may find nothing; `due` and `answers` are NOT NULL
# in their tables, so a NULL there means no row.
LEARNING_STATE = select(
    BANK_STATE.c.revision,
    QUESTIONS.c.topic,
    *(REVIEWS.c[field] for field in REVIEW_FIELDS),
    *(PROGRESS.c[field] for field in PROGRESS_FIELDS),
).select_from(
    BANK_STATE.outerjoin(QUESTIONS, QUESTIONS.c.id == bindparam("question_id"))
    .outerjoin(
        REVIEWS,
        and_(REVIEWS.c.user_id == bindparam("user_id"), REVIEWS.c.question_id == bindparam("question_id")),
    )
    .outerjoin(
        PROGRESS, and_(PROGRESS.c.user_id == bindparam("user_id"), PROGRESS.c.topic == QUESTIONS.c.topic)
    )
)

BANK_REVISION = select(BANK_STATE.c.revision)
QUESTION_BY_ID = select(*QUESTIONS.columns).where(QUESTIONS.c.id == bindparam("question_id"))
