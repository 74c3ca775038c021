"""The terminal chat: the bot's commands typed at a prompt, or piped in on stdin."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TextIO

from bot.adapters.presenter import PLAIN, Presenter
from bot.adapters.texts import language_for
from bot.services import Services
from bot.services.context import ChatUser
from bot.services.drill import ChatRef
from bot.services.push import PushTarget
from bot.services.results import (
    AnswerGraded,
    HintGiven,
    NoMoreHints,
    QuizStarted,
    Skipped,
    UnknownUser,
)

PLATFORM = "console"
LOCAL_USER_ID = "local"
QUIT_COMMANDS = {"/quit", "/exit"}
PUSH_INTERVAL_SECONDS = 60

Handler = Callable[[str], Awaitable[str]]


class ConsoleChat:
    """One local user chatting with the bot; `reply` maps one input to the bot's answer."""

    def __init__(self, services: Services, language: str = "zh", user_name: str = "") -> None:
        self._services = services
        self._presenter = Presenter(language_for(language), PLAIN)
        self._user = ChatUser(PLATFORM, LOCAL_USER_ID, user_name, language)
        self._chat = ChatRef(PLATFORM, LOCAL_USER_ID)
        self._commands: dict[str, Handler] = {
            "/start": self._help,
            "/help": self._help,
            "/quiz": self._quiz,
            "/hint": self._hint,
            "/skip": self._skip,
            "/stats": self._stats,
            "/weak": self._weak,
            "/topics": self._topics,
            "/addq": self._addq,
            "/delq": self._delq,
            "/daily": self._daily,
            "/timezone": self._timezone,
        }

    @property
    def intro(self) -> str:
        """The first thing the console prints."""
        return self._presenter.t("console_intro")

    async def reply(self, message: str) -> str:
        """The bot's reply to one message: a command, or an answer to the pending question."""
        message = message.strip()
        if not message:
            return ""
        if not message.startswith("/"):
            return await self._answer(message)
        command, _, argument = message.partition(" ")
        command, _, _bot_name = command.partition("@")
        handler = self._commands.get(command.lower())
        if handler is None:
            return self._presenter.t("unknown_command")
        return await handler(argument.strip())

    async def _help(self, _argument: str) -> str:
        return self._presenter.t("help")

    async def _quiz(self, topic: str) -> str:
        result = await self._services.drill.start_quiz(self._chat, self._user, topic or None)
        if isinstance(result, QuizStarted):
            return self._presenter.question(result.question)
        return self._presenter.no_question(result)

    async def _answer(self, text: str) -> str:
        result = await self._services.drill.submit_answer(self._chat, self._user, text)
        if isinstance(result, AnswerGraded):
            return self._presenter.feedback(result)
        return self._presenter.t("nothing_pending")

    async def _hint(self, _argument: str) -> str:
        result = await self._services.drill.hint(self._chat, self._user)
        if isinstance(result, HintGiven | NoMoreHints):
            return self._presenter.hint(result)
        return self._presenter.t("nothing_pending")

    async def _skip(self, _argument: str) -> str:
        result = await self._services.drill.skip(self._chat, self._user)
        if isinstance(result, Skipped):
            return self._presenter.skipped(result)
        return self._presenter.t("nothing_pending")

    async def _stats(self, _argument: str) -> str:
        result = await self._services.stats.stats(PLATFORM, LOCAL_USER_ID)
        if isinstance(result, UnknownUser):
            return self._presenter.t("stats_unknown")
        return self._presenter.stats(result)

    async def _weak(self, _argument: str) -> str:
        return self._presenter.weak(await self._services.stats.weak_topics(PLATFORM, LOCAL_USER_ID))

    async def _topics(self, _argument: str) -> str:
        return self._presenter.topics(await self._services.bank.topics())

    async def _addq(self, argument: str) -> str:
        return self._presenter.bank_change(await self._services.bank.add_question(self._user, argument))

    async def _delq(self, argument: str) -> str:
        return self._presenter.bank_change(
            await self._services.bank.deactivate_question(self._user, argument)
        )

    async def _daily(self, argument: str) -> str:
        result = await self._services.daily.daily(self._chat, self._user, False, argument)
        return self._presenter.daily(result)

    async def _timezone(self, argument: str) -> str:
        result = await self._services.daily.set_timezone(self._chat, self._user, False, argument)
        return self._presenter.daily(result, timezone_command=True)

    async def push_due(self, output: TextIO) -> int:
        """Print the daily question if the local chat's time has come; returns how many were pushed."""

        async def show(target: PushTarget) -> str:
            print(f"\n{self._presenter.question(target.question)}\n", file=output, flush=True)
            return f"console-{target.question.id}"

        return (await self._services.push.run_pass(PLATFORM, show)).sent

    async def _push_forever(self, output: TextIO, interval: float) -> None:
        while True:
            await self.push_due(output)
            await asyncio.sleep(interval)

    async def run(
        self, lines: AsyncIterator[str], output: TextIO, prompt: str = "", push_interval: float | None = None
    ) -> None:
        """Answer every line until the input ends or the user quits, pushing the daily question meanwhile.

        A bare `/addq` reads the multi-line form: one field per line, ended by a blank line.
        """
        pusher = asyncio.create_task(self._push_forever(output, push_interval)) if push_interval else None
        try:
            await self._converse(lines, output, prompt)
        finally:
            if pusher is not None:
                pusher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pusher

    async def _converse(self, lines: AsyncIterator[str], output: TextIO, prompt: str) -> None:
        print(self.intro, file=output, flush=True)
        collecting: list[str] | None = None
        async for raw_line in _with_prompt(lines, output, prompt):
            line = raw_line.rstrip("\n")
            if collecting is not None:
                if line.strip():
                    collecting.append(line)
                    continue
                line, collecting = "/addq " + "\n".join(collecting), None
            elif line.strip().lower() in QUIT_COMMANDS:
                break
            elif line.strip().lower() == "/addq":
                collecting = []
                print(self._presenter.t("console_addq_multiline"), file=output, flush=True)
                continue
            answer = await self.reply(line)
            if answer:
                print(answer + "\n", file=output, flush=True)
        if collecting:
            answer = await self.reply("/addq " + "\n".join(collecting))
            print(answer, file=output, flush=True)


async def _with_prompt(lines: AsyncIterator[str], output: TextIO, prompt: str) -> AsyncIterator[str]:
    while True:
        if prompt:
            print(prompt, end="", file=output, flush=True)
        try:
            line = await anext(lines)
        except StopAsyncIteration:
            return
        yield line


async def stdin_lines(stream: TextIO = sys.stdin) -> AsyncIterator[str]:
    """Lines of a blocking stream, read in a thread so the event loop stays free."""
    while True:
        line = await asyncio.to_thread(stream.readline)
        if not line:
            return
        yield line
