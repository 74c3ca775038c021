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
KIND_REVIEWED, KIND_DUE, KIND_RECENT, KIND_PENDING, KIND_PROGRESS, KIND_BANK, KIND_USER = range(7)


def insert_for(dialect: str) -> Any:
    """The dialect's INSERT construct, which knows ON CONFLICT."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


@cache
def ensure_user(dialect: str) -> Any:
    """Insert the user or refresh a non-empty name and language; returns the whole row."""
    # Named parameters rather than implicit ones, which a CTE would make anonymous.
    given = ("platform", "external_id", "display_name", "language", "created_at")
    statement = insert_for(dialect)(USERS).values(
        **{name: bindparam(name) for name in given},
        streak_current=0,
        streak_best=0,
        streak_freezes=0,
        blocked=False,
    )
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["platform", "external_id"],
        set_=_refreshed_profile(excluded.display_name, excluded.language),
    ).returning(*USERS.columns)


def _refreshed_profile(display_name: Any, language: Any) -> dict[str, Any]:
    """A known user's name and language after contact: the new ones where given, else the stored ones."""
    return {
        "display_name": func.coalesce(func.nullif(display_name, ""), USERS.c.display_name),
        "language": func.coalesce(func.nullif(language, ""), USERS.c.language),
    }


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
    """One SELECT of the UNION: a kind, a number (question, revision or user id), typed NULLs elsewhere."""
    return select(
        literal(kind, Integer()).label("kind"),
        (cast(null(), Integer()) if number is None else number).label("number"),
        *(
            columns.get(name, cast(null(), column_type)).label(name)
            for name, column_type in _HISTORY_COLUMNS.items()
        ),
    )


def _recent_attempts(user_id: Any) -> Any:
    return (
        select(ATTEMPTS.c.id, ATTEMPTS.c.question_id)
        .where(ATTEMPTS.c.user_id == user_id)
        .order_by(ATTEMPTS.c.id.desc())
        .limit(bindparam("recent_limit"))
        .subquery()
    )


def _soonest_dues(user_id: Any) -> Any:
    """The soonest due dates of the user's reviewed questions that can be asked (of one topic, if given)."""
    return (
        select(REVIEWS.c.question_id, REVIEWS.c.due)
        .join(QUESTIONS, QUESTIONS.c.id == REVIEWS.c.question_id)
        .where(
            REVIEWS.c.user_id == user_id,
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


def _history_branches(dialect: str, user_id: Any) -> list[Select[Any]]:
    recent = _recent_attempts(user_id)
    dues = _soonest_dues(user_id)
    return [
        _history_branch(KIND_REVIEWED, None, topic=_id_list(dialect)).where(REVIEWS.c.user_id == user_id),
        _history_branch(KIND_DUE, dues.c.question_id, due=dues.c.due),
        _history_branch(KIND_RECENT, recent.c.question_id, position=recent.c.id),
        _history_branch(KIND_PENDING, PENDING.c.question_id).where(
            PENDING.c.platform == bindparam("chat_platform"),
            PENDING.c.chat_id == bindparam("chat_id"),
            PENDING.c.user_id == user_id,
        ),
        _history_branch(
            KIND_PROGRESS,
            None,
            topic=PROGRESS.c.topic,
            **{field: PROGRESS.c[field] for field in PROGRESS_FIELDS},
        ).where(PROGRESS.c.user_id == user_id),
        _history_branch(KIND_BANK, BANK_STATE.c.revision),
    ]


@cache
def history(dialect: str) -> Any:
    """The reads that choosing a question needs, in one round trip; `kind` tells the rows apart."""
    return union_all(*_history_branches(dialect, bindparam("user_id")))


@cache
def ensure_user_with_history(dialect: str) -> Any:
    """`history` of the user `ensure_user` takes; KIND_USER has the id, `answers` 1 if the upsert is due."""
    if dialect == "postgresql":
        # A data-modifying CTE runs exactly once and keeps the user's row locked until the transaction
        # ends, as the upsert alone does. The reads see the database as of the statement's start, though:
        # if another transaction held the row, what it committed meanwhile is missed, where a statement
        # after the upsert would see it. At worst a question that a racing answer of the same user just
        # reviewed comes back.
        user = ensure_user(dialect).cte("ensured")
        unsaved = literal(0, Integer())
    else:
        # SQLite cannot write inside a query, so the user is looked up, and the upsert left to run after
        # it only for a new user or a new name or language; the transaction's write lock, taken at
        # BEGIN, keeps the two consistent.
        refreshed = _refreshed_profile(bindparam("display_name"), bindparam("language"))
        user = (
            select(
                USERS.c.id,
                cast(
                    or_(*(value.is_distinct_from(USERS.c[name]) for name, value in refreshed.items())),
                    Integer(),
                ).label("unsaved"),
            )
            .where(USERS.c.platform == bindparam("platform"), USERS.c.external_id == bindparam("external_id"))
            .cte("known")
        )
        unsaved = user.c.unsaved
    user_id = select(user.c.id).scalar_subquery()
    return union_all(
        *_history_branches(dialect, user_id), _history_branch(KIND_USER, user.c.id, answers=unsaved)
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
