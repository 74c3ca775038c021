"""An in-process copy of the bank's shape, checked against the stored revision on every use.

Choosing a question needs every active question id by topic. Reading 5,000 rows per /quiz would
dominate the request, and the bank changes rarely, so the ids and the parsed questions are cached
here and reloaded only when `bank_state.revision` moves, which every bank write bumps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.question import Question
from bot.db.repositories import Repositories


class BankCatalog:
    """Active question ids per topic, and questions by id, as of one bank revision."""

    def __init__(self) -> None:
        self._revision: int | None = None
        self._checked_in: Repositories | None = None
        self._by_topic: dict[str, tuple[int, ...]] = {}
        self._questions: dict[int, Question | None] = {}

    async def refresh(self, repos: Repositories) -> None:
        """Reload if the bank changed since the last look; one cheap query, once per transaction."""
        if repos is self._checked_in:
            return
        revision = await repos.questions.revision()
        self._checked_in = repos
        if revision == self._revision:
            return
        by_topic: dict[str, list[int]] = {}
        for question_id, topic in await repos.questions.active_ids():
            by_topic.setdefault(topic, []).append(question_id)
        self._by_topic = {topic: tuple(ids) for topic, ids in by_topic.items()}
        self._questions = {}
        self._revision = revision

    def candidates(self, topic: str | None) -> Mapping[str, Sequence[int]]:
        """Active question ids per topic, or those of one topic."""
        if topic is None:
            return self._by_topic
        return {topic: self._by_topic[topic]} if topic in self._by_topic else {}

    def topics(self) -> list[str]:
        """Topics that have active questions, by name."""
        return sorted(self._by_topic)

    def resolve_topic(self, name: str) -> str | None:
        """The topic a user meant, ignoring case and spacing."""
        wanted = " ".join(name.split()).casefold()
        return next((topic for topic in self._by_topic if topic.casefold() == wanted), None)

    async def question(self, repos: Repositories, question_id: int) -> Question | None:
        """A question by id, read once per revision."""
        if question_id not in self._questions:
            self._questions[question_id] = await repos.questions.get(question_id)
        return self._questions[question_id]
