"""The drill itself: ask, hint, skip, grade, and learn from the result."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.grading import HINT_PENALTY, MAX_SCORE, grade, hint_cap
from bot.core.mastery import record_result
from bot.core.question import Question
from bot.core.review import rating_for, schedule_review
from bot.core.selection import DUES_NEEDED, RECENT_WINDOW, SelectionPool, choose_next
from bot.core.streak import current_streak, local_day, record_activity
from bot.db.repositories import Attempt, LearnerHistory, LearningState, PendingQuestion, Repositories, User
from bot.services.context import ChatUser, ServiceContext
from bot.services.results import (
    AlreadyAnswered,
    AnswerGraded,
    HintGiven,
    NoMoreHints,
    NoQuestion,
    NothingPending,
    QuizStarted,
    Skipped,
    StaleQuestion,
    UnknownTopic,
)

# Four hints leave 20 points, and every hint costs 20.
MAX_HINTS = (MAX_SCORE - HINT_PENALTY) // HINT_PENALTY


@dataclass(frozen=True, slots=True)
class ChatRef:
    """Where a conversation happens."""

    platform: str
    chat_id: str


async def choose_question(
    repos: Repositories, context: ServiceContext, chat: ChatRef, user_id: int, topic: str | None = None
) -> Question | None:
    """Pick the user's next question with the core's rules, from what the store knows."""
    history = await repos.learning.history(
        chat.platform, chat.chat_id, user_id, RECENT_WINDOW, DUES_NEEDED, topic
    )
    return await _choose_from(repos, context, history, topic)


async def _choose_from(
    repos: Repositories, context: ServiceContext, history: LearnerHistory, topic: str | None
) -> Question | None:
    """The next question for a history read in this transaction.

    The question still open in this chat, asked but not answered, must not come straight back.
    """
    await context.catalog.sync(repos, history.bank_revision)
    recent = history.recent
    if history.pending_question_id is not None:
        recent = [history.pending_question_id, *recent]
    pool = SelectionPool(
        candidates=context.catalog.candidates(topic),
        reviewed=history.reviewed,
        due=history.dues,
        recent=recent,
        progress=history.progress,
    )
    pick = choose_next(pool, context.now(), context.rng)
    return await context.catalog.question(repos, pick.question_id) if pick else None


class DrillService:
    """Use cases of answering questions; each call is one transaction."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    async def _user(self, repos: Repositories, user: ChatUser) -> User:
        return await repos.users.ensure(
            user.platform, user.external_id, user.display_name, user.language, self._context.now()
        )

    async def start_quiz(
        self, chat: ChatRef, user: ChatUser, topic: str | None = None
    ) -> QuizStarted | NoQuestion | UnknownTopic:
        """Choose the next question and make it the user's pending one in this chat."""
        async with self._context.transaction() as repos:
            resolved = None
            if topic:
                await self._context.catalog.refresh(repos)
                resolved = self._context.catalog.resolve_topic(topic)
                if resolved is None:
                    # Even a quiz on no known topic counts as contact: the user is stored or refreshed.
                    await self._user(repos, user)
                    return UnknownTopic(topic, tuple(self._context.catalog.topics()))
            # The user's upsert rides along with the history read: a round trip less on PostgreSQL.
            history = await repos.learning.ensure_user_with_history(
                chat.platform,
                chat.chat_id,
                user.platform,
                user.external_id,
                user.display_name,
                user.language,
                self._context.now(),
                RECENT_WINDOW,
                DUES_NEEDED,
                resolved,
            )
            question = await _choose_from(repos, self._context, history, resolved)
            if question is None:
                return NoQuestion(resolved)
            new_pending = await repos.learning.put_pending(
                chat.platform, chat.chat_id, history.user_id, question.id, self._context.now()
            )
            return QuizStarted(question, new_pending.id, "asked")

    async def attach_message(self, pending_id: int, message_id: str) -> None:
        """Remember the chat message that carries a pending question."""
        async with self._context.transaction() as repos:
            await repos.learning.set_pending_message(pending_id, message_id)

    async def submit_answer(self, chat: ChatRef, user: ChatUser, text: str) -> AnswerGraded | NothingPending:
        """Grade a free-text answer to the user's pending question in this chat."""
        async with self._context.transaction() as repos:
            stored_user = await self._user(repos, user)
            pending = await repos.learning.take_pending(chat.platform, chat.chat_id, stored_user.id)
            if pending is None:
                return NothingPending()
            stored, question = await self._learning_of(repos, stored_user.id, pending.question_id)
            if question is None:
                return NothingPending()
            return await self._grade(repos, stored_user, question, stored, text, pending.hints_used)

    async def submit_reply(
        self, chat: ChatRef, user: ChatUser, replied_message_id: str, text: str
    ) -> AnswerGraded | StaleQuestion | AlreadyAnswered:
        """Grade a reply to a question message; in groups anyone may answer, once each."""
        async with self._context.transaction() as repos:
            pending = await repos.learning.pending_by_message(chat.platform, chat.chat_id, replied_message_id)
            if pending is None:
                return StaleQuestion()
            stored_user = await self._user(repos, user)
            stored, question = await self._learning_of(repos, stored_user.id, pending.question_id)
            if question is None:
                return StaleQuestion()
            if await repos.learning.answered_since(stored_user.id, question.id, pending.asked_at):
                return AlreadyAnswered()
            hints = pending.hints_used if pending.user_id == stored_user.id else 0
            return await self._grade(repos, stored_user, question, stored, text, hints)

    async def hint(
        self, chat: ChatRef, user: ChatUser, question_id: int | None = None
    ) -> HintGiven | NoMoreHints | NothingPending | StaleQuestion:
        """Reveal the next key point, heaviest first; each hint lowers the best possible score."""
        async with self._context.transaction() as repos:
            opened = await self._open_question(repos, chat, user, question_id)
            if not isinstance(opened, tuple):
                return opened
            _user, pending, question = opened
            points = sorted(question.rubric.points, key=lambda point: -point.weight)
            allowed = min(MAX_HINTS, len(points))
            if pending.hints_used >= allowed:
                return NoMoreHints(pending.hints_used)
            hints_used = pending.hints_used + 1
            await repos.learning.set_pending_hints(pending.id, hints_used)
            return HintGiven(question, points[pending.hints_used], hints_used, hint_cap(hints_used))

    async def skip(
        self, chat: ChatRef, user: ChatUser, question_id: int | None = None
    ) -> Skipped | NothingPending | StaleQuestion:
        """Give up the pending question: a failed review, but not an answer for the streak."""
        async with self._context.transaction() as repos:
            opened = await self._open_question(repos, chat, user, question_id)
            if not isinstance(opened, tuple):
                return opened
            stored_user, pending, question = opened
            now = self._context.now()
            await repos.learning.clear_pending(chat.platform, chat.chat_id, stored_user.id)
            await repos.learning.add_attempt(
                Attempt(stored_user.id, question.id, "", 0, (), (), (), pending.hints_used, True, now)
            )
            stored = await repos.learning.learning_state(stored_user.id, question.id)
            await self._learn(
                repos, stored_user.id, question, stored, score=0, hints_used=pending.hints_used, skipped=True
            )
            return Skipped(question)

    async def _open_question(
        self, repos: Repositories, chat: ChatRef, user: ChatUser, question_id: int | None
    ) -> tuple[User, PendingQuestion, Question] | NothingPending | StaleQuestion:
        """The user's pending question, locked; a button's `question_id` must still be that question."""
        stored_user = await self._user(repos, user)
        pending = await repos.learning.pending(chat.platform, chat.chat_id, stored_user.id, lock=True)
        question = await self._context.catalog.question(repos, pending.question_id) if pending else None
        if pending is None or question is None:
            return NothingPending()
        if question_id is not None and question_id != question.id:
            return StaleQuestion()
        return stored_user, pending, question

    async def _learning_of(
        self, repos: Repositories, user_id: int, question_id: int
    ) -> tuple[LearningState, Question | None]:
        """The user's stored learning on a question, and the question from a catalog synced by that read."""
        stored = await repos.learning.learning_state(user_id, question_id)
        await self._context.catalog.sync(repos, stored.bank_revision)
        return stored, await self._context.catalog.question(repos, question_id)

    async def _grade(
        self,
        repos: Repositories,
        user: User,
        question: Question,
        stored: LearningState,
        text: str,
        hints_used: int,
    ) -> AnswerGraded:
        policy = self._context.policy
        now = self._context.now()
        result = grade(text, question.rubric, policy.pass_score, hints_used, reference=question.answer)
        await repos.learning.add_attempt(
            Attempt(
                user_id=user.id,
                question_id=question.id,
                answer=text,
                score=result.score,
                matched=[point.label for point in result.matched],
                missed=[point.label for point in result.missed],
                negated=[point.label for point in result.negated],
                hints_used=hints_used,
                skipped=False,
                created_at=now,
            )
        )
        await self._learn(repos, user.id, question, stored, result.score, hints_used, skipped=False)
        today = local_day(now, policy.timezone_of(user.timezone), policy.day_start_hour)
        streak = record_activity(user.streak, today)
        if streak != user.streak:
            await repos.users.save_streak(user.id, streak)
        return AnswerGraded(
            question, result, hints_used, current_streak(streak, today), streak.best, streak.freezes
        )

    async def _learn(
        self,
        repos: Repositories,
        user_id: int,
        question: Question,
        stored: LearningState,
        score: int,
        hints_used: int,
        skipped: bool,
    ) -> None:
        """Update the spaced-repetition state and the topic's mastery."""
        now = self._context.now()
        rating = rating_for(score, self._context.policy.pass_score, hints_used, skipped)
        await repos.learning.save_learning_state(
            user_id,
            question.id,
            question.topic,
            schedule_review(stored.review, rating, now),
            record_result(stored.progress, score, skipped),
        )
