"""Storage benchmark: choosing the next question and submitting an answer on a large database.

Fills a database with users, questions, attempts and review states in bulk, then times the real
service calls (`start_quiz`, `submit_answer`) for a sample of users with history. Prints p50/p95.

    .venv/bin/python -m bench.storage                 # SQLite, and PostgreSQL if it answers
    .venv/bin/python -m bench.storage --attempts 10000000 --backends sqlite
    .venv/bin/python -m bench.storage --attempts 10000000 --keep /var/tmp/bench  # fill, measure, keep
    .venv/bin/python -m bench.storage --attempts 10000000 --keep /var/tmp/bench --reuse  # measure again

A kept database is named by its scale: a SQLite file in the --keep folder, a PostgreSQL database on the
server. Each measurement adds its few hundred answers to it; measure it again with another --seed, so
that other users, whose pages no earlier run touched, are sampled.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.databases import kept_database, migrated_database
from bot.db.engine import create_engine, create_session_factory
from bot.services import Services
from bot.services.context import ChatUser, DrillPolicy, ServiceContext
from bot.services.drill import ChatRef
from bot.services.results import AnswerGraded, QuizStarted

TOPICS = [f"topic-{number:02d}" for number in range(12)]
RUBRIC = [
    {"label": "批归一化", "aliases": ["bn", "batch norm"], "weight": 2},
    {"label": "加速收敛", "aliases": ["收敛更快", "faster convergence"]},
    {"label": "梯度消失", "aliases": ["vanishing gradient"]},
    {"label": "正则化", "aliases": ["regularization"]},
]
ANSWER = "BN 可以加速收敛，缓解梯度消失，还有一点正则化的效果。"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
POSTGRES_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def _sqlite_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def generate_rows(users: int, questions: int, attempts: int, seed: int = 1) -> dict[str, Iterator[tuple]]:
    """Row generators per table, in insertion order, with realistic spreads of time and score."""
    rng = random.Random(seed)
    per_user = max(1, attempts // users)
    topic_of = [TOPICS[qid % len(TOPICS)] for qid in range(questions + 1)]
    rubric = json.dumps(RUBRIC, ensure_ascii=False)

    def user_rows() -> Iterator[tuple]:
        for uid in range(1, users + 1):
            yield (
                uid,
                "telegram",
                str(uid),
                f"user {uid}",
                "zh",
                None,
                3,
                9,
                1,
                (NOW - timedelta(days=1)).date(),
                False,
                NOW,
            )

    def question_rows() -> Iterator[tuple]:
        for qid in range(1, questions + 1):
            yield (
                qid,
                f"bench-{qid}",
                topic_of[qid],
                f"问题 {qid}：BN 有什么作用？",
                rubric,
                "参考答案",
                2,
                "bench",
                True,
                None,
                NOW,
                NOW,
            )

    def learning_rows() -> Iterator[tuple[str, tuple]]:
        attempt_id = 0
        for uid in range(1, users + 1):
            seen = rng.sample(range(1, questions + 1), k=min(questions, per_user))
            progress: dict[str, list[int]] = {}
            for index, qid in enumerate(seen):
                attempt_id += 1
                score = rng.choice((0, 25, 50, 75, 100))
                at = NOW - timedelta(days=per_user - index, minutes=rng.randrange(600))
                yield "attempts", (attempt_id, uid, qid, ANSWER, score, "[]", "[]", "[]", 0, False, at)
                due = NOW + timedelta(days=rng.randint(-5, 30))
                yield "review_states", (uid, qid, topic_of[qid], due, 2, None, 5.0, 5.0, at, 1, 0)
                progress.setdefault(topic_of[qid], []).append(score)
            for topic, scores in progress.items():
                yield (
                    "topic_progress",
                    (uid, topic, len(scores), 0, sum(scores), sum(scores) / len(scores) / 100),
                )

    return {"users": user_rows(), "questions": question_rows(), "learning": learning_rows()}


COLUMNS = {
    "users": "id platform external_id display_name language timezone streak_current streak_best"
    " streak_freezes streak_last_day blocked created_at",
    "questions": "id key topic text rubric answer difficulty source active added_by created_at updated_at",
    "attempts": "id user_id question_id answer score matched missed negated hints_used skipped created_at",
    "review_states": "user_id question_id topic due state step stability difficulty last_review reps lapses",
    "topic_progress": "user_id topic answers skips score_sum mastery",
}


def fill_sqlite(path: Path, users: int, questions: int, attempts: int) -> None:
    """Bulk-insert with the standard driver: the fastest honest way to make a big SQLite file."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    rows = generate_rows(users, questions, attempts)

    def insert(table: str, batch: list[tuple]) -> None:
        converted = [tuple(_sqlite_time(v) if isinstance(v, datetime) else v for v in row) for row in batch]
        marks = ", ".join("?" * len(converted[0]))
        connection.executemany(
            f"INSERT INTO {table} ({', '.join(COLUMNS[table].split())}) VALUES ({marks})", converted
        )

    insert("users", list(rows["users"]))
    insert("questions", list(rows["questions"]))
    batches: dict[str, list[tuple]] = {"attempts": [], "review_states": [], "topic_progress": []}
    for table, row in rows["learning"]:
        batches[table].append(row)
        if len(batches[table]) >= 50_000:
            insert(table, batches[table])
            batches[table] = []
    for table, batch in batches.items():
        if batch:
            insert(table, batch)
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


async def fill_postgres(url: str, users: int, questions: int, attempts: int) -> None:
    """Bulk-load with COPY, then bring the sequences, planner statistics and visibility map up to date."""
    import asyncpg

    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, database=parsed.database
    )
    rows = generate_rows(users, questions, attempts)

    async def copy(table: str, batch: list[tuple]) -> None:
        await connection.copy_records_to_table(table, records=batch, columns=COLUMNS[table].split())

    try:
        await copy("users", list(rows["users"]))
        await copy("questions", list(rows["questions"]))
        batches: dict[str, list[tuple]] = {"attempts": [], "review_states": [], "topic_progress": []}
        for table, row in rows["learning"]:
            batches[table].append(row)
            if len(batches[table]) >= 100_000:
                await copy(table, batches[table])
                batches[table] = []
        for table, batch in batches.items():
            if batch:
                await copy(table, batch)
        for table in ("users", "questions", "attempts"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        # A deployed database has been vacuumed and checkpointed long since. Straight after a bulk load,
        # autovacuum and the checkpointer would still be working through gigabytes while we measure, and
        # every first read of a page would set its hint bits and dirty it.
        await connection.execute("VACUUM (ANALYZE)")
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(url: str, users: int, samples: int, seed: int = 5) -> dict[str, dict[str, float]]:
    """Time start_quiz and submit_answer through the real services for sampled users."""
    engine = create_engine(url)
    context = ServiceContext(create_session_factory(engine), DrillPolicy(), rng=random.Random(3))
    services = Services.build(context)
    timings: dict[str, list[float]] = {"choose": [], "submit": []}
    rng = random.Random(seed)
    try:
        for index in range(samples + 20):
            uid = rng.randint(1, users)
            user = ChatUser("telegram", str(uid), f"user {uid}", "zh")
            chat = ChatRef("telegram", str(uid))
            started = time.perf_counter()
            asked = await services.drill.start_quiz(chat, user)
            chosen = time.perf_counter()
            graded = await services.drill.submit_answer(chat, user, ANSWER)
            done = time.perf_counter()
            assert isinstance(asked, QuizStarted) and isinstance(graded, AnswerGraded)
            if index >= 20:  # the first calls warm connection pools and caches
                timings["choose"].append((chosen - started) * 1000)
                timings["submit"].append((done - chosen) * 1000)
    finally:
        await engine.dispose()
    return {
        name: {
            "p50": _percentile(values, 0.5),
            "p95": _percentile(values, 0.95),
            "mean": statistics.fmean(values),
        }
        for name, values in timings.items()
    }


async def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> None:
    """Fill one backend (or take the kept one), measure it, print one line per operation."""
    given = None if backend == "sqlite" else POSTGRES_ADMIN_URL
    kept_name = f"drillbot_bench_{args.users}_{args.questions}_{args.attempts}"
    try:
        if args.reuse:
            url = await kept_database(given, args.keep, kept_name)
            origin = f"reused {kept_name}"
            results = await measure(url, args.users, args.samples, args.seed)
        else:
            keep_as = kept_name if args.keep else None
            async with migrated_database(given, args.keep or workdir, keep_as) as url:
                started = time.perf_counter()
                if backend == "sqlite":
                    path = Path(make_url(url).database)
                    await asyncio.to_thread(fill_sqlite, path, args.users, args.questions, args.attempts)
                else:
                    await fill_postgres(url, args.users, args.questions, args.attempts)
                origin = f"filled in {time.perf_counter() - started:.0f} s"
                results = await measure(url, args.users, args.samples, args.seed)
            if keep_as:
                origin += f", kept as {kept_name}"
    except OSError as error:
        print(f"{backend}: skipped ({error})")
        return
    print(f"{backend}: {origin}")
    for name, figures in results.items():
        print(
            f"  {name:<7} p50 {figures['p50']:.2f} ms  p95 {figures['p95']:.2f} ms"
            f"  mean {figures['mean']:.2f} ms"
        )


def main() -> None:
    """Parse the scale, then fill and measure each backend in turn."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=5_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=500, help="timed quiz+answer rounds per backend")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep the filled databases (SQLite files go in DIR)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases kept at this scale, without filling"
    )
    parser.add_argument("--seed", type=int, default=5, help="which users are sampled")
    args = parser.parse_args()
    if args.reuse and args.keep is None:
        parser.error("--reuse needs the --keep folder")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    print(
        f"scale: {args.users} users, {args.questions} questions, {args.attempts} attempts;"
        f" {args.samples} samples"
    )
    with tempfile.TemporaryDirectory(prefix="drillbench-") as workdir:
        for backend in args.backends.split(","):
            asyncio.run(run_backend(backend.strip(), args, Path(workdir)))


if __name__ == "__main__":
    main()
