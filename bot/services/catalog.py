"""An in-process copy of the bank, checked against the stored revision once per transaction.

Choosing a question needs every active question id by topic, and grading needs the parsed rubric.
Reading them per /quiz would dominate the request, while the bank changes rarely and holds thousands
of questions at most, so the whole bank is held here, parsed, and reloaded only when
`bank_state.revision` moves, which every bank write bumps.
"""

from __future__ import annotations

from bot.core.question import Question
from bot.core.selection import Candidates
from bot.db.repositories import Repositories


class BankCatalog:
    """Active question ids per topic, and questions by id, as of one bank revision."""

    def __init__(self) -> None:
        self._revision: int | None = None
        self._checked_in: Repositories | None = None
        self._candidates = Candidates.of({})
        self._questions: dict[int, Question] = {}

    async def refresh(self, repos: Repositories) -> None:
        """Reload if the bank changed since the last look; one cheap query, once per transaction."""
        if repos is not self._checked_in:
            await self.sync(repos, await repos.questions.revision())

    async def sync(self, repos: Repositories, revision: int) -> None:
        """Reload if `revision`, just read in this transaction, is not the one cached."""
        self._checked_in = repos
        if revision == self._revision:
            return
        questions = await repos.questions.list()
        by_topic: dict[str, list[int]] = {}
        for question in questions:
            if question.active:
                by_topic.setdefault(question.topic, []).append(question.id)
        self._candidates = Candidates.of(by_topic)
        self._questions = {question.id: question for question in questions}
        self._revision = revision

    def candidates(self, topic: str | None) -> Candidates:
        """The active questions, or those of one topic."""
        return self._candidates if topic is None else self._candidates.only(topic)

    def topics(self) -> list[str]:
        """Topics that have active questions, by name."""
        return sorted(self._candidates.by_topic)

    def resolve_topic(self, name: str) -> str | None:
        """The topic a user meant, ignoring case and spacing."""
        wanted = " ".join(name.split()).casefold()
        return next((topic for topic in self._candidates.by_topic if topic.casefold() == wanted), None)

    async def question(self, repos: Repositories, question_id: int) -> Question | None:
        """A question by id, active or not."""
        await self.refresh(repos)
        return self._questions.get(question_id)
