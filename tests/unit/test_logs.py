"""Secrets never reach a log line, whoever logs them."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, RedactSecrets

TOKEN = "123456:ABC-secret-token"


@pytest.fixture
def logger_with_filter() -> tuple[logging.Logger, list[str]]:
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(RedactSecrets([TOKEN]))
    logger = logging.getLogger("test.redaction")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, lines


def test_token_in_message_arguments_is_redacted(logger_with_filter) -> None:
    logger, lines = logger_with_filter

    logger.warning("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)

    assert lines == [f"HTTP Request: POST https://api.telegram.org/bot{REDACTED}/getUpdates"]


def test_token_in_an_exception_is_redacted(logger_with_filter) -> None:
    logger, lines = logger_with_filter

    try:
        raise RuntimeError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError:
        logger.exception("request failed")

    assert TOKEN not in lines[0] and REDACTED in lines[0]


def test_records_without_secrets_are_untouched(logger_with_filter) -> None:
    logger, lines = logger_with_filter

    logger.info("answered %d questions", 3)

    assert lines == ["answered 3 questions"]
