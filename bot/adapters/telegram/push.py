"""Delivering the daily push over Telegram, and the scheduler that runs a pass every minute."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

from bot.adapters.presenter import HTML, Presenter
from bot.adapters.telegram import messages
from bot.adapters.texts import DEFAULT_LANGUAGE
from bot.services import Services
from bot.services.push import ChatUnreachable, DeliveryFailed, PushSummary, PushTarget

PLATFORM = "telegram"
RATE_LIMIT_RETRIES = 3
PASS_INTERVAL_SECONDS = 60
NETWORK_RETRIES = 3
FIRST_BACKOFF_SECONDS = 1.0

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


def rate_limiter() -> AIORateLimiter:
    """Telegram's limits: 30 messages a second overall, paced evenly, and 20 a minute per group.

    The library's default overall bucket lets a second's worth of messages out in one burst and then
    refills steadily, which overruns a strict per-second window and costs a 429 and a one-second wait
    each time; one message per 1/30 s never does. Groups keep the bucket, so a quiz and its feedback
    are not held seconds apart. 429s that still happen are waited out and retried.
    """
    return AIORateLimiter(
        overall_max_rate=1,
        overall_time_period=1 / 30,
        group_max_rate=20,
        group_time_period=60,
        max_retries=RATE_LIMIT_RETRIES,
    )


def telegram_sender(bot: Bot, sleep: Sleep = asyncio.sleep) -> Callable[[PushTarget], Awaitable[str]]:
    """A push sender: 403 means the chat is gone, network errors are retried with bounded backoff.

    429s are waited out and retried by the bot's AIORateLimiter, which also keeps sends within the limits.
    """
    presenter = Presenter(DEFAULT_LANGUAGE, HTML)

    async def send(target: PushTarget) -> str:
        text = presenter.question(target.question, in_group=target.is_group)
        if target.is_group:
            markup = ForceReply(selective=False, input_field_placeholder=target.question.topic[:64])
        else:
            markup = question_buttons(presenter, target.question.id)
        delay = FIRST_BACKOFF_SECONDS
        for attempt in range(NETWORK_RETRIES + 1):
            try:
                message = await bot.send_message(int(target.chat_id), text, reply_markup=markup)
                return str(message.message_id)
            except Forbidden as error:
                raise ChatUnreachable(error.message) from error
            except BadRequest as error:
                if "chat not found" in error.message.lower():
                    raise ChatUnreachable(error.message) from error
                raise DeliveryFailed(error.message) from error
            except RetryAfter as error:
                raise DeliveryFailed(error.message) from error
            except NetworkError as error:
                if attempt == NETWORK_RETRIES:
                    raise DeliveryFailed(error.message) from error
                logger.warning(
                    "push to %s failed (%s); retrying in %.0f s", target.chat_id, error.message, delay
                )
                await sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    return send


def question_buttons(presenter: Presenter, question_id: int) -> InlineKeyboardMarkup:
    """The Hint and Skip buttons under a question in a private chat."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    presenter.t("button_hint"), callback_data=messages.hint_data(question_id)
                ),
                InlineKeyboardButton(
                    presenter.t("button_skip"), callback_data=messages.skip_data(question_id)
                ),
            ]
        ]
    )


async def run_scheduler(services: Services, bot: Bot, interval: float = PASS_INTERVAL_SECONDS) -> None:
    """Run a push pass at the start of every minute until cancelled; one failed pass does not stop the next.

    Ticking on the minute means a chat due at HH:MM gets its question within that minute.
    """
    send = telegram_sender(bot)
    while True:
        try:
            summary = await services.push.run_pass(PLATFORM, send)
            if summary.total:
                logger.info("push pass: %s", describe(summary))
        except Exception:
            logger.exception("push pass failed")
        await asyncio.sleep(interval - time.time() % interval)


def describe(summary: PushSummary) -> str:
    """One line for logs and the CLI."""
    return (
        f"sent {summary.sent}, skipped {summary.skipped}, blocked {summary.blocked}, failed {summary.failed}"
    )
