"""Build the python-telegram-bot Application and run it with long polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import httpx
from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.adapters.telegram import handlers
from bot.adapters.telegram.push import rate_limiter, run_scheduler
from bot.adapters.telegram.updates import ChatOrderedProcessor
from bot.adapters.texts import ADMIN_COMMANDS, COMMAND_DESCRIPTIONS, USER_COMMANDS
from bot.config import Settings
from bot.services import Services

logger = logging.getLogger(__name__)

SCHEDULER_KEY = "push_scheduler"
# python-telegram-bot's own limit on connections to the Bot API.
MAX_CONNECTIONS = 256
# python-telegram-bot hands httpx only the limit above, which lifts httpx's cap on idle keep-alive
# connections. httpcore re-checks every pooled connection, and the socket of every idle one, whenever a
# request starts or ends, so a burst of concurrent updates that opened 32 connections made every later
# request dearer (it cost an echo bot 40% of its throughput). Telegram's 30 messages a second keep only a
# few requests in flight, so that many stay open.
KEEPALIVE_CONNECTIONS = 8


def _commands(language: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(name, COMMAND_DESCRIPTIONS[language][name]) for name in names]


async def register_commands(application: Application, admin_ids: frozenset[int]) -> None:
    """Publish the command menus: Chinese and English for everyone, plus admin commands for admins."""
    bot = application.bot
    await bot.set_my_commands(_commands("en", USER_COMMANDS))
    await bot.set_my_commands(_commands("zh", USER_COMMANDS), language_code="zh")
    for admin_id in sorted(admin_ids):
        scope = BotCommandScopeChat(admin_id)
        try:
            await bot.set_my_commands(_commands("en", USER_COMMANDS + ADMIN_COMMANDS), scope=scope)
            await bot.set_my_commands(
                _commands("zh", USER_COMMANDS + ADMIN_COMMANDS), scope=scope, language_code="zh"
            )
        except TelegramError as error:
            # An admin who never opened a chat with the bot has no chat to scope the menu to yet.
            logger.warning("admin menu for %s not set: %s", admin_id, error.message)


def application_builder(token: str, base_url: str) -> ApplicationBuilder:
    """A builder that talks to the Bot API as drillbot does: its connections, HTML and rate limiter."""
    limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=KEEPALIVE_CONNECTIONS)
    return (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .request(HTTPXRequest(httpx_kwargs={"limits": limits}))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(rate_limiter())
    )


def build_application(
    token: str,
    base_url: str,
    services: Services,
    admin_ids: frozenset[int],
    on_shutdown: Callable[[], Awaitable[None]] | None = None,
    schedule_pushes: bool = False,
) -> Application:
    """Wire the handlers over the services; the caller starts and stops the application.

    With `schedule_pushes`, a push pass runs every minute for as long as the application runs.
    """

    async def post_init(application: Application) -> None:
        await register_commands(application, admin_ids)
        if schedule_pushes:
            application.bot_data[SCHEDULER_KEY] = asyncio.create_task(
                run_scheduler(services, application.bot)
            )

    async def post_stop(application: Application) -> None:
        scheduler = application.bot_data.pop(SCHEDULER_KEY, None)
        if scheduler is not None:
            scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await scheduler

    async def post_shutdown(_application: Application) -> None:
        if on_shutdown is not None:
            await on_shutdown()

    application = (
        application_builder(token, base_url)
        .concurrent_updates(ChatOrderedProcessor())
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data[handlers.SERVICES_KEY] = services
    add = application.add_handler
    add(CommandHandler("start", handlers.start))
    add(CommandHandler("help", handlers.help_command))
    add(CommandHandler("quiz", handlers.quiz))
    add(CommandHandler("hint", handlers.hint))
    add(CommandHandler("skip", handlers.skip))
    add(CommandHandler("stats", handlers.stats))
    add(CommandHandler("weak", handlers.weak))
    add(CommandHandler("topics", handlers.topics))
    add(CommandHandler("daily", handlers.daily))
    add(CommandHandler("timezone", handlers.timezone))
    add(CommandHandler("addq", handlers.add_question))
    add(CommandHandler("delq", handlers.deactivate_question))
    add(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.answer))
    add(CallbackQueryHandler(handlers.button))
    add(ChatMemberHandler(handlers.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(handlers.on_error)
    return application


def run_polling(settings: Settings, services: Services, on_shutdown: Callable[[], Awaitable[None]]) -> None:
    """Long-poll until SIGINT or SIGTERM, then shut down cleanly."""
    assert settings.telegram_bot_token is not None
    application = build_application(
        settings.telegram_bot_token.get_secret_value(),
        settings.telegram_api_base_url,
        services,
        settings.admin_ids,
        on_shutdown,
        schedule_pushes=True,
    )
    logger.info("polling Telegram at %s", settings.telegram_api_base_url)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
