"""Databases for benchmarks: a migrated SQLite file, or a fresh PostgreSQL database dropped afterwards."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.db.engine import is_sqlite
from bot.db.migrate import upgrade


async def _admin_execute(admin_url: str, statement: str) -> None:
    """Run one statement on the PostgreSQL server's admin database."""
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
        await connection.execute(statement)
    finally:
        await connection.close()


@asynccontextmanager
async def migrated_database(given_url: str | None, workdir: Path) -> AsyncIterator[str]:
    """A migrated, empty database: SQLite in workdir (or the SQLite URL given), or fresh PostgreSQL."""
    if given_url is None or is_sqlite(given_url):
        url = given_url or f"sqlite+aiosqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        await asyncio.to_thread(upgrade, url)
        yield url
        return
    name = f"drillbot_bench_{uuid.uuid4().hex[:8]}"
    await _admin_execute(given_url, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(given_url).set(database=name).render_as_string(hide_password=False)
        await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await _admin_execute(given_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
