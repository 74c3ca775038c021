"""drillbot: interview drills in chat. The command line and the composition root."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.services import Services

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit code 2."""


def build_services(settings: Settings, console_admin: bool = False) -> tuple[Services, AsyncEngine]:
    """Build the whole stack over the configured database; the caller disposes the engine."""
    from bot.adapters.console.chat import LOCAL_USER_ID, PLATFORM
    from bot.db.engine import create_engine, create_session_factory
    from bot.services import Services
    from bot.services.context import DrillPolicy, ServiceContext

    admins = {("telegram", str(user_id)) for user_id in settings.admin_ids}
    if console_admin:
        admins.add((PLATFORM, LOCAL_USER_ID))
    policy = DrillPolicy(
        pass_score=settings.pass_score,
        day_start_hour=settings.day_start_hour,
        default_timezone=settings.default_timezone,
        admins=frozenset(admins),
    )
    engine = create_engine(settings.database_url)
    return Services.build(ServiceContext(create_session_factory(engine), policy)), engine


@asynccontextmanager
async def open_services(settings: Settings, console_admin: bool = False) -> AsyncIterator[Services]:
    """The services for the length of a block."""
    services, engine = build_services(settings, console_admin)
    try:
        yield services
    finally:
        await engine.dispose()


def prepare_database(settings: Settings, seed: bool = True) -> None:
    """Apply migrations and, unless told not to, import the bundled bank into an empty database."""
    from bot.db.migrate import upgrade
    from bot.services.bank_files import BUNDLED_BANK_DIR

    upgrade(settings.database_url)
    if not seed:
        return

    async def seed_bank() -> None:
        async with open_services(settings) as services:
            summary = await services.bank.seed_if_empty([BUNDLED_BANK_DIR])
        if summary and summary.created:
            print(f"seeded the bank with {summary.created} questions", file=sys.stderr)

    asyncio.run(seed_bank())


# --- commands ---------------------------------------------------------------------------------------


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Start the Telegram bot, or the terminal chat when no token is configured."""
    if settings.telegram_bot_token is None:
        print("TELEGRAM_BOT_TOKEN is not set: opening the terminal chat instead.", file=sys.stderr)
        return cmd_console(settings, args)
    return cmd_telegram(settings, args)


def cmd_telegram(settings: Settings, args: argparse.Namespace) -> int:
    """Start the Telegram bot; without a token, say so and stop."""
    if settings.telegram_bot_token is None:
        raise UsageError("TELEGRAM_BOT_TOKEN is not set; put it in the environment or in .env")
    prepare_database(settings)
    from bot.adapters.telegram.app import run_polling

    services, engine = build_services(settings)
    run_polling(settings, services, on_shutdown=engine.dispose)
    return 0


def cmd_console(settings: Settings, args: argparse.Namespace) -> int:
    """Chat with the bot at the terminal as a local admin."""
    from bot.adapters.console.chat import PUSH_INTERVAL_SECONDS, ConsoleChat, stdin_lines

    prepare_database(settings)

    async def chat() -> None:
        async with open_services(settings, console_admin=True) as services:
            console = ConsoleChat(services, language=getattr(args, "language", "zh"))
            prompt = "> " if sys.stdin.isatty() else ""
            await console.run(stdin_lines(sys.stdin), sys.stdout, prompt, push_interval=PUSH_INTERVAL_SECONDS)

    try:
        asyncio.run(chat())
    except KeyboardInterrupt:
        print(file=sys.stderr)
    return 0


def cmd_push(settings: Settings, args: argparse.Namespace) -> int:
    """Run one daily-push pass now, through the same code as the scheduler, and summarise it."""
    if not args.now:
        raise UsageError(
            "push runs inside `drillbot run`; use `drillbot push --now` for one pass immediately"
        )
    if settings.telegram_bot_token is None:
        raise UsageError("TELEGRAM_BOT_TOKEN is not set; put it in the environment or in .env")
    prepare_database(settings)
    from telegram.ext import ExtBot

    from bot.adapters.telegram.push import describe, rate_limiter, telegram_sender
    from bot.services.push import PushSummary

    def show_progress(summary: PushSummary) -> None:
        print(f"\r{summary.total} chats: {describe(summary)}", end="", file=sys.stderr, flush=True)

    async def act() -> int:
        bot = ExtBot(
            settings.telegram_bot_token.get_secret_value(),
            base_url=settings.telegram_api_base_url,
            rate_limiter=rate_limiter(),
        )
        async with open_services(settings) as services, bot:
            summary = await services.push.run_pass("telegram", telegram_sender(bot), progress=show_progress)
        print(file=sys.stderr)
        print(describe(summary))
        return 0

    return asyncio.run(act())


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    """Upgrade or downgrade the schema."""
    from bot.db.migrate import downgrade, upgrade

    if args.action == "upgrade":
        upgrade(settings.database_url, args.revision)
    else:
        downgrade(settings.database_url, args.revision)
    return 0


def cmd_questions(settings: Settings, args: argparse.Namespace) -> int:
    """List, import, export or lint the bank."""
    if args.action == "lint":
        return _lint(args)
    from bot.services.bank_files import dump_bank, read_bank

    if args.action == "import":
        drafts = read_bank(args.paths)
    prepare_database(settings, seed=args.action != "import")

    async def act() -> int:
        async with open_services(settings) as services:
            if args.action == "import":
                summary = await services.bank.import_drafts(drafts)
                print(f"imported {len(drafts)} questions: {summary.created} new, {summary.updated} updated")
                return 0
            questions = await services.bank.list_questions(args.topic)
            if args.action == "export":
                text = dump_bank([question.as_draft() for question in questions if question.active])
                _write_output(text, args.path)
                return 0
            if args.json:
                rows = [
                    {"id": q.id, "key": q.key, "topic": q.topic, "question": q.text, "active": q.active}
                    for q in questions
                ]
                print(json.dumps(rows, ensure_ascii=False, indent=2))
            else:
                for q in questions:
                    flag = "" if q.active else " (inactive)"
                    print(f"#{q.id}\t[{q.topic}]\t{q.text}{flag}")
            return 0

    return asyncio.run(act())


def _write_output(text: str, path: Path | None) -> None:
    if path is None:
        sys.stdout.write(text)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from error


def _lint(args: argparse.Namespace) -> int:
    from bot.core.bank_lint import MIN_QUESTIONS_PER_TOPIC, lint_bank
    from bot.services.bank_files import BUNDLED_BANK_DIR, read_bank

    drafts = read_bank(args.paths or [BUNDLED_BANK_DIR])
    problems = lint_bank(drafts, MIN_QUESTIONS_PER_TOPIC if args.strict else 0)
    for problem in problems:
        print(problem)
    topics = len({draft.topic for draft in drafts})
    print(f"{len(drafts)} questions in {topics} topics, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


def cmd_grade(settings: Settings, args: argparse.Namespace) -> int:
    """Grade answers against stored questions without recording anything."""
    from bot.core.grading import grade

    if args.jsonl:
        requests = _jsonl_requests(sys.stdin)
    else:
        if args.question_id is None:
            raise UsageError("grade needs QUESTION_ID, or --jsonl")
        answer = args.answer if args.answer is not None else sys.stdin.read()
        requests = iter([(args.question_id, answer)])
    prepare_database(settings)

    async def act() -> int:
        cache: dict = {}
        async with open_services(settings) as services:
            for question_id, answer in requests:
                if question_id not in cache:
                    cache[question_id] = await services.bank.get_question(question_id)
                question = cache[question_id]
                if question is None:
                    raise UsageError(f"no question with id {question_id}")
                result = grade(answer, question.rubric, settings.pass_score, reference=question.answer)
                record = {
                    "question_id": question_id,
                    "score": result.score,
                    "passed": result.passed,
                    "matched": [point.label for point in result.matched],
                    "missed": [point.label for point in result.missed],
                    "negated": [point.label for point in result.negated],
                    "mistaken": [point.label for point in result.mistaken],
                }
                print(json.dumps(record, ensure_ascii=False), flush=True)
        return 0

    return asyncio.run(act())


def _jsonl_requests(stream: TextIO):
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise UsageError(f"line {number}: invalid JSON ({error.msg})") from error
        if not isinstance(item, dict) or not isinstance(item.get("answer"), str):
            raise UsageError(f'line {number}: expected {{"question_id": int, "answer": str}}')
        question_id = item.get("question_id")
        if isinstance(question_id, bool) or not isinstance(question_id, int):
            raise UsageError(f"line {number}: question_id must be an integer")
        yield question_id, item["answer"]


def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    """Print a user's progress."""
    from bot.services.results import UnknownUser

    prepare_database(settings)

    async def act() -> int:
        async with open_services(settings) as services:
            result = await services.stats.stats(args.platform, args.user_id)
        if isinstance(result, UnknownUser):
            raise UsageError(f"no {args.platform} user {args.user_id}")
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            from bot.adapters.presenter import PLAIN, Presenter

            print(Presenter("zh", PLAIN).stats(result))
        return 0

    return asyncio.run(act())


# --- parser -----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Describe every subcommand and its options."""
    parser = argparse.ArgumentParser(prog="drillbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start the bot (the terminal chat when no token is set)")
    run.set_defaults(handler=cmd_run)

    telegram = commands.add_parser("telegram", help="start the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    telegram.set_defaults(handler=cmd_telegram)

    console = commands.add_parser("console", help="chat with the bot in the terminal")
    console.add_argument("--language", default="zh", choices=["zh", "en"])
    console.set_defaults(handler=cmd_console)

    push = commands.add_parser("push", help="daily question push")
    push.add_argument("--now", action="store_true", help="run one push pass immediately")
    push.set_defaults(handler=cmd_push)

    db = commands.add_parser("db", help="schema migrations")
    db_actions = db.add_subparsers(dest="action", required=True)
    db_actions.add_parser("upgrade").add_argument("revision", nargs="?", default="head")
    db_actions.add_parser("downgrade").add_argument("revision")
    db.set_defaults(handler=cmd_db)

    questions = commands.add_parser("questions", help="manage the question bank")
    question_actions = questions.add_subparsers(dest="action", required=True)
    listing = question_actions.add_parser("list", help="list questions")
    listing.add_argument("--topic")
    listing.add_argument("--json", action="store_true")
    importing = question_actions.add_parser("import", help="import YAML files or folders (idempotent)")
    importing.add_argument("paths", nargs="+", type=Path)
    exporting = question_actions.add_parser("export", help="export active questions as YAML")
    exporting.add_argument("path", nargs="?", type=Path)
    exporting.add_argument("--topic")
    lint = question_actions.add_parser("lint", help="check bank files (default: the bundled bank)")
    lint.add_argument("paths", nargs="*", type=Path)
    lint.add_argument("--strict", action="store_true", help="also require enough questions per topic")
    questions.set_defaults(handler=cmd_questions)

    grade = commands.add_parser("grade", help="grade an answer against a question, as JSON")
    grade.add_argument("question_id", nargs="?", type=int)
    grade.add_argument("--answer", help="the answer text (default: read stdin)")
    grade.add_argument("--jsonl", action="store_true", help='read {"question_id", "answer"} lines on stdin')
    grade.set_defaults(handler=cmd_grade)

    stats = commands.add_parser("stats", help="a user's progress")
    stats.add_argument("user_id")
    stats.add_argument("--platform", default="telegram")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code; bad input is one line on stderr and exit code 2."""
    from bot.logs import configure_logging
    from bot.services.bank_files import BankFileError

    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
        configure_logging(settings.log_level, [token])
        return args.handler(settings, args)
    except ConfigError as error:
        print(f"drillbot: configuration error: {error}", file=sys.stderr)
    except (UsageError, BankFileError) as error:
        print(f"drillbot: {error}", file=sys.stderr)
    except BrokenPipeError:
        sys.stderr.close()
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
