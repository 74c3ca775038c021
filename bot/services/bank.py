"""Managing the question bank: admin edits in chat, imports and exports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.core.addq import AddqFormatError, parse_addq
from bot.core.question import Question, QuestionDraft
from bot.services.bank_files import read_bank
from bot.services.context import ChatUser, ServiceContext
from bot.services.results import (
    DuplicateQuestion,
    ImportSummary,
    Malformed,
    NotAllowed,
    QuestionAdded,
    QuestionDeactivated,
    QuestionNotFound,
)


class BankService:
    """Use cases of the question bank; each call is one transaction."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def add_question(
        self, actor: ChatUser, text: str
    ) -> QuestionAdded | DuplicateQuestion | Malformed | NotAllowed:
        """Parse /addq text and store the question, for admins only."""
        if not self._context.policy.is_admin(actor):
            return NotAllowed()
        if not text.strip():
            return Malformed("")
        try:
            draft = parse_addq(text)
        except AddqFormatError as error:
            return Malformed(str(error))
        async with self._context.transaction() as repos:
            existing = await repos.questions.get_by_key(draft.key)
            if existing is not None and existing.active:
                return DuplicateQuestion(existing)
            author = await repos.users.ensure(
                actor.platform, actor.external_id, actor.display_name, actor.language, self._context.now()
            )
            await repos.questions.upsert([draft], self._context.now(), added_by=author.id)
            stored = await repos.questions.get_by_key(draft.key)
            assert stored is not None
            return QuestionAdded(stored)

    async def deactivate_question(
        self, actor: ChatUser, argument: str
    ) -> QuestionDeactivated | QuestionNotFound | Malformed | NotAllowed:
        """Stop asking the question whose id (`12` or `#12`) follows /delq; its history stays."""
        if not self._context.policy.is_admin(actor):
            return NotAllowed()
        digits = argument.strip().removeprefix("#")
        if not digits.isdigit():
            return Malformed("", usage="delq_usage")
        question_id = int(digits)
        async with self._context.transaction() as repos:
            current = await repos.questions.get(question_id)
            if current is None or not current.active:
                return QuestionNotFound(question_id)
            question = await repos.questions.set_active(question_id, False, self._context.now())
            assert question is not None
            return QuestionDeactivated(question)

    async def import_drafts(self, drafts: Sequence[QuestionDraft]) -> ImportSummary:
        """Insert or update questions by key, all or nothing."""
        async with self._context.transaction() as repos:
            created = await repos.questions.upsert(drafts, self._context.now())
        return ImportSummary(created=sum(created), updated=len(created) - sum(created))

    async def seed_if_empty(self, paths: Sequence[Path]) -> ImportSummary | None:
        """Import the bundled bank when there are no questions at all."""
        async with self._context.transaction() as repos:
            if await repos.questions.count():
                return None
        return await self.import_drafts(read_bank(paths))

    async def list_questions(self, topic: str | None = None) -> list[Question]:
        """Every question, optionally of one topic."""
        async with self._context.transaction() as repos:
            return await repos.questions.list(topic)

    async def get_question(self, question_id: int) -> Question | None:
        """One question by id."""
        async with self._context.transaction() as repos:
            return await repos.questions.get(question_id)

    async def topics(self) -> list[tuple[str, int]]:
        """Active topics and how many questions each has."""
        async with self._context.transaction() as repos:
            return await repos.questions.topics()
