"""Databases for benchmarks: a migrated SQLite file, or a fresh PostgreSQL database dropped afterwards.

A filled benchmark database can also be kept under a name and measured again later, since filling a big
one takes far longer than measuring it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.db.engine import is_sqlite
from bot.db.migrate import upgrade

# SQLite's write-ahead log and shared-memory files belong with the database file when it moves.
SQLITE_SUFFIXES = ("", "-wal", "-shm")


@asynccontextmanager
async def _admin_connection(admin_url: str) -> AsyncIterator[Any]:
    """A connection to the PostgreSQL server's admin database."""
    import asyncpg

    parsed = make_url(admin_url)
    connection = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
        timeout=5,
    )
    try:
        yield connection
    finally:
        await connection.close()


async def _admin_execute(admin_url: str, statement: str) -> None:
    """Run one statement on the PostgreSQL server's admin database."""
    async with _admin_connection(admin_url) as connection:
        await connection.execute(statement)


def _sqlite_path(workdir: Path, name: str) -> Path:
    return workdir / f"{name}.db"


def _remove_sqlite(path: Path) -> None:
    for suffix in SQLITE_SUFFIXES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _move_sqlite(source: Path, target: Path) -> None:
    _remove_sqlite(target)
    for suffix in SQLITE_SUFFIXES:
        if Path(f"{source}{suffix}").exists():
            Path(f"{source}{suffix}").rename(f"{target}{suffix}")


@asynccontextmanager
async def migrated_database(
    given_url: str | None, workdir: Path, keep_as: str | None = None
) -> AsyncIterator[str]:
    """A migrated, empty database: SQLite in workdir (or the SQLite URL given), or fresh PostgreSQL.

    With `keep_as`, a block that ends without error leaves the database behind under that name, replacing
    any kept before, for `kept_database`; a block that fails still removes it, so a kept one is complete.
    """
    if given_url is not None and is_sqlite(given_url):
        await asyncio.to_thread(upgrade, given_url)
        yield given_url
        return
    if given_url is None:
        path = _sqlite_path(workdir, f"bench-{uuid.uuid4().hex[:8]}")
        url = f"sqlite+aiosqlite:///{path}"
        await asyncio.to_thread(upgrade, url)
        try:
            yield url
            if keep_as is not None:
                _move_sqlite(path, _sqlite_path(workdir, keep_as))
        finally:
            _remove_sqlite(path)
        return
    name = f"drillbot_bench_{uuid.uuid4().hex[:8]}"
    await _admin_execute(given_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(given_url).set(database=name).render_as_string(hide_password=False)
        await asyncio.to_thread(upgrade, url)
        yield url
        if keep_as is not None:
            await _admin_execute(given_url, f'DROP DATABASE IF EXISTS "{keep_as}" WITH (FORCE)')
            await _admin_execute(given_url, f'ALTER DATABASE "{name}" RENAME TO "{keep_as}"')
    finally:
        await _admin_execute(given_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def kept_database(given_url: str | None, workdir: Path, name: str) -> str:
    """A database that `migrated_database` kept as `name`, migrated to head in case the schema moved on.

    Raises FileNotFoundError if there is none.
    """
    if given_url is None or is_sqlite(given_url):
        path = _sqlite_path(workdir, name)
        if not path.exists():
            raise FileNotFoundError(f"no kept database {path}")
        url = f"sqlite+aiosqlite:///{path}"
    else:
        async with _admin_connection(given_url) as connection:
            exists = await connection.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", name)
        if not exists:
            raise FileNotFoundError(f"no kept database {name} on the server")
        url = make_url(given_url).set(database=name).render_as_string(hide_password=False)
    await asyncio.to_thread(upgrade, url)
    return url
