"""Migration stairway: every revision upgrades, downgrades and upgrades again, on both databases."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import inspect

from bot.db.engine import create_engine
from bot.db.migrate import downgrade, revisions, upgrade
from bot.db.models import Base


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    return names - {"alembic_version"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A database with no schema at all."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"
    return request.getfixturevalue("empty_postgres_url")


def test_stairway_through_every_revision(empty_database_url: str) -> None:
    all_revisions = revisions(empty_database_url)
    assert all_revisions, "there must be at least one migration"
    previous = "base"
    for revision in all_revisions:
        upgrade(empty_database_url, revision)
        downgrade(empty_database_url, previous)
        upgrade(empty_database_url, revision)
        previous = revision

    assert asyncio.run(_tables(empty_database_url)) == set(Base.metadata.tables)
    downgrade(empty_database_url, "base")
    assert asyncio.run(_tables(empty_database_url)) == set()
