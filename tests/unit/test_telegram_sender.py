"""How the Telegram push sender maps the Bot API's failures."""

from __future__ import annotations

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.adapters.telegram.push import FIRST_BACKOFF_SECONDS, NETWORK_RETRIES, telegram_sender
from bot.core.question import Question
from bot.core.rubric import KeyPoint, Rubric
from bot.services.push import ChatUnreachable, DeliveryFailed, PushTarget

QUESTION = Question(1, "k", "T", "Why?", Rubric((KeyPoint("because"),)), "because", 1, "", True)
TARGET = PushTarget("telegram", "42", False, QUESTION)


class FlakyBot:
    """A bot whose send_message fails with the given errors, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def send_message(self, chat_id: int, text: str, reply_markup: object = None) -> object:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return type("Message", (), {"message_id": 7})()


class Sleeps:
    """Records the backoff instead of waiting it out."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


async def test_network_errors_are_retried_with_growing_backoff() -> None:
    bot, sleeps = FlakyBot(NetworkError("reset"), NetworkError("reset")), Sleeps()

    message_id = await telegram_sender(bot, sleeps)(TARGET)

    assert message_id == "7" and bot.calls == 3
    assert sleeps.delays == [FIRST_BACKOFF_SECONDS, 2 * FIRST_BACKOFF_SECONDS]


async def test_network_errors_give_up_after_the_bounded_retries() -> None:
    bot, sleeps = FlakyBot(*[NetworkError("down")] * (NETWORK_RETRIES + 1)), Sleeps()

    with pytest.raises(DeliveryFailed):
        await telegram_sender(bot, sleeps)(TARGET)

    assert bot.calls == NETWORK_RETRIES + 1 and len(sleeps.delays) == NETWORK_RETRIES


@pytest.mark.parametrize(
    "error", [Forbidden("Forbidden: bot was blocked by the user"), BadRequest("Bad Request: chat not found")]
)
async def test_a_chat_that_is_gone_is_unreachable(error: Exception) -> None:
    with pytest.raises(ChatUnreachable):
        await telegram_sender(FlakyBot(error), Sleeps())(TARGET)


async def test_other_bad_requests_fail_this_delivery_only() -> None:
    with pytest.raises(DeliveryFailed):
        await telegram_sender(FlakyBot(BadRequest("Bad Request: message is too long")), Sleeps())(TARGET)
