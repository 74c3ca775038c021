"""The storage benchmark keeps a filled database to measure it again, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench.databases import _admin_execute, kept_database, migrated_database
from bench.storage import fill_postgres, fill_sqlite, measure
from bot.db.engine import is_sqlite

USERS = 10


@pytest.fixture(params=["sqlite", "postgresql"])
def admin_url(request: pytest.FixtureRequest) -> str | None:
    """None for SQLite files, or a PostgreSQL database to create others from."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_server_url")


async def _fill(url: str) -> None:
    if is_sqlite(url):
        fill_sqlite(Path(make_url(url).database), USERS, 30, 100)
    else:
        await fill_postgres(url, USERS, 30, 100)


async def test_a_kept_database_is_measured_again_and_a_failed_one_is_not_kept(
    admin_url: str | None, tmp_path: Path
) -> None:
    name = f"drillbot_bench_test_{uuid.uuid4().hex[:8]}"
    try:
        async with migrated_database(admin_url, tmp_path, keep_as=name) as url:
            await _fill(url)
        with pytest.raises(RuntimeError):
            async with migrated_database(admin_url, tmp_path, keep_as=f"{name}_failed") as url:
                raise RuntimeError("the fill broke off")

        results = await measure(await kept_database(admin_url, tmp_path, name), USERS, samples=2)

        assert set(results) == {"choose", "submit"}
        with pytest.raises(FileNotFoundError):
            await kept_database(admin_url, tmp_path, f"{name}_failed")
    finally:
        if admin_url is not None:
            await _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
