"""Shared fixtures: a controllable clock, and every DB-facing test on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade
from bot.db.models import Base
from bot.services import Services
from bot.services.context import ChatUser, DrillPolicy, ServiceContext
from bot.services.drill import ChatRef

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
ADMIN = ChatUser("telegram", "1001", "Admin", "zh-hans")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """A clock that moves only when a test says so."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        """Move forward, e.g. advance(days=1)."""
        self.current += timedelta(**delta)
        return self.current


def _postgres_unreachable() -> str | None:
    url = make_url(POSTGRES_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1):
            return None
    except OSError as error:
        return f"PostgreSQL is not reachable at {url.host}:{url.port or 5432} ({error.strerror or error})"


async def _admin_execute(*statements: str) -> None:
    import asyncpg

    url = make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def _temporary_postgres_database() -> Iterator[str]:
    reason = _postgres_unreachable()
    if reason:
        pytest.skip(reason)
    name = f"drillbot_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test run, dropped at the end."""
    with _temporary_postgres_database() as url:
        yield url


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test that changes the schema itself."""
    with _temporary_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_server_url: str) -> str:
    """The run's PostgreSQL database, migrated to head once."""
    upgrade(postgres_server_url)
    return postgres_server_url


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once, copied for every test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


async def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            await connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            # The migration's own row, which the truncate removed.
            await connection.exec_driver_sql("INSERT INTO bank_state (id, revision) VALUES (1, 0)")
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a SQLite file, then the same test again on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "drill.db"
        shutil.copy(request.getfixturevalue("migrated_sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("migrated_postgres_url")
    asyncio.run(_truncate_all(url))
    return url


@pytest.fixture
def clock() -> FakeClock:
    """The clock every service in the test reads."""
    return FakeClock()


@pytest.fixture
def policy() -> DrillPolicy:
    """Default rules, with one Telegram admin."""
    return DrillPolicy(
        pass_score=60, day_start_hour=4, default_timezone="UTC", admins=frozenset({("telegram", "1001")})
    )


@pytest.fixture
async def services(database_url: str, clock: FakeClock, policy: DrillPolicy) -> AsyncIterator[Services]:
    """The service layer over the test database, with a seeded random source."""
    engine = create_engine(database_url)
    try:
        yield Services.build(ServiceContext(create_session_factory(engine), policy, clock, random.Random(7)))
    finally:
        await engine.dispose()


def telegram_user(number: int, language: str = "zh-hans") -> ChatUser:
    """A Telegram user with a predictable id."""
    return ChatUser("telegram", str(number), f"User {number}", language)


def private_chat(user: ChatUser) -> ChatRef:
    """The user's private chat, whose id is the user's id as on Telegram."""
    return ChatRef(user.platform, user.external_id)
