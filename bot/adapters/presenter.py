"""Turn service results into reply text, the same for every chat; only the markup differs."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.adapters.texts import text
from bot.core.grading import KEYWORD_LIST_CAP, hint_cap
from bot.core.question import Question
from bot.core.rubric import KeyPoint
from bot.core.schedule import TIMEZONE_EXAMPLES
from bot.services.daily import DailySetting, TimezoneSet
from bot.services.results import (
    AnswerGraded,
    DuplicateQuestion,
    HintGiven,
    Malformed,
    NoMoreHints,
    NoQuestion,
    NotAllowed,
    QuestionAdded,
    QuestionDeactivated,
    QuestionNotFound,
    Skipped,
    TopicStat,
    UnknownTopic,
    UserStats,
)


@dataclass(frozen=True, slots=True)
class Markup:
    """How a chat shows emphasis; `escape` is applied to every piece of user or bank text."""

    html: bool

    def escape(self, value: object) -> str:
        """Make text safe to embed."""
        return html.escape(str(value), quote=False) if self.html else str(value)

    def bold(self, escaped: str) -> str:
        """Emphasise already-escaped text."""
        return f"<b>{escaped}</b>" if self.html else escaped


PLAIN = Markup(html=False)
HTML = Markup(html=True)


class Presenter:
    """Renders results in one language with one markup."""

    def __init__(self, language: str, markup: Markup) -> None:
        self.language = language
        self.markup = markup

    def t(self, key: str, **values: object) -> str:
        """A catalogue string with its values escaped."""
        return text(self.language, key, **{name: self.markup.escape(value) for name, value in values.items()})

    def question(self, question: Question, in_group: bool = False) -> str:
        """The question as asked."""
        header = self.t(
            "question", topic=question.topic, id=question.id, stars="★" * question.difficulty, text=""
        )
        body = self.markup.escape(question.text)
        footer = self.t("question_footer_group" if in_group else "question_footer_private")
        return f"{self.markup.bold(header.rstrip())}\n{body}\n\n{footer}"

    def feedback(self, result: AnswerGraded) -> str:
        """Score, the points made, the mistakes, the points negated and missed, and the reference."""
        grade = result.grade
        verdict = self.t("passed" if grade.passed else "failed")
        lines = [self.markup.bold(self.t("score", score=grade.score, verdict=verdict))]
        if result.hints_used:
            lines.append(self.t("hint_cap", hints=result.hints_used, cap=hint_cap(result.hints_used)))
        if grade.keyword_list and grade.score < grade.raw_score:
            lines.append(self.t("keyword_list", cap=KEYWORD_LIST_CAP))
        if grade.matched:
            separator = text(self.language, "separator")
            lines.append(self.t("matched", points=separator.join(point.label for point in grade.matched)))
        lines.extend(self._point_block("mistaken", grade.mistaken))
        lines.extend(self._point_block("negated", grade.negated))
        lines.extend(self._point_block("missed", grade.missed))
        lines.append("")
        lines.extend(self._reference(result.question))
        if result.streak:
            lines.append("")
            lines.append(self.t("streak", streak=result.streak, best=result.best_streak))
        return "\n".join(lines)

    def _point_block(self, header: str, points: Sequence[KeyPoint]) -> list[str]:
        if not points:
            return []
        lines = [self.t(header)]
        for point in points:
            if point.explain:
                lines.append(self.t("point_line", label=point.label, explain=point.explain))
            else:
                lines.append(self.t("point_line_bare", label=point.label))
        return lines

    def _reference(self, question: Question) -> list[str]:
        if not question.answer:
            return [self.t("no_reference")]
        return [self.markup.bold(self.t("reference")), self.markup.escape(question.answer)]

    def hint(self, result: HintGiven | NoMoreHints) -> str:
        """The revealed key point and the new cap."""
        if isinstance(result, NoMoreHints):
            return self.t("no_more_hints")
        lines = [self.markup.bold(self.t("hint", n=result.hints_used, label=result.point.label))]
        if result.point.explain:
            lines.append(self.t("hint_explain", explain=result.point.explain))
        lines.append(self.t("hint_cap_now", cap=result.score_cap))
        return "\n".join(lines)

    def skipped(self, result: Skipped) -> str:
        """The skip confirmation with the reference answer."""
        return "\n".join([self.t("skipped", id=result.question.id), "", *self._reference(result.question)])

    def no_question(self, result: NoQuestion | UnknownTopic) -> str:
        """Why nothing was asked."""
        if isinstance(result, UnknownTopic):
            separator = text(self.language, "separator")
            return self.t("unknown_topic", topic=result.topic, topics=separator.join(result.available))
        if result.topic:
            return self.t("no_question_topic", topic=result.topic)
        return self.t("no_question")

    def topics(self, topics: Sequence[tuple[str, int]]) -> str:
        """The list of topics with their sizes."""
        if not topics:
            return self.t("no_topics")
        return "\n".join(
            [self.t("topics_header"), *(self.t("topic_line", topic=t, count=c) for t, c in topics)]
        )

    def stats(self, stats: UserStats) -> str:
        """The short progress summary."""
        lines = [
            self.t(
                "stats",
                answers=stats.answers,
                streak=stats.streak,
                best=stats.best_streak,
                freezes=stats.freezes,
            )
        ]
        if stats.topics:
            lines.append("")
            lines.append(self.t("stats_topics_header"))
            lines.extend(
                self.t(
                    "stats_topic_line",
                    topic=item.topic,
                    mastery=round(item.mastery * 100),
                    answers=item.answers,
                    mean=round(item.mean_score),
                )
                for item in stats.topics
            )
        return "\n".join(lines)

    def weak(self, topics: Sequence[TopicStat]) -> str:
        """The weakest topics, or why there are none yet."""
        if not topics:
            return self.t("weak_none")
        lines = [self.t("weak_header")]
        lines.extend(
            self.t("weak_line", topic=item.topic, mastery=round(item.mastery * 100)) for item in topics
        )
        return "\n".join(lines)

    def daily(
        self, result: DailySetting | TimezoneSet | Malformed | NotAllowed, timezone_command: bool = False
    ) -> str:
        """The daily push setting after /daily or /timezone, or why it was not changed."""
        match result:
            case NotAllowed():
                return self.t("daily_not_allowed")
            case Malformed(reason=reason) if timezone_command:
                return self.t("timezone_usage", reason=reason, examples=", ".join(TIMEZONE_EXAMPLES))
            case Malformed(reason=reason):
                return self.t("daily_usage", reason=reason)
            case TimezoneSet(timezone=zone, setting=setting):
                return f"{self.t('timezone_set', zone=zone)}\n{self.daily(setting)}"
            case DailySetting(active=True, local_time=local_time, timezone=zone, next_push_at=push_at):
                moment = push_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if push_at else "?"
                return self.t("daily_on", time=local_time, zone=zone, next=moment)
        return self.t("daily_off")

    def bank_change(
        self,
        result: QuestionAdded
        | DuplicateQuestion
        | Malformed
        | NotAllowed
        | QuestionDeactivated
        | QuestionNotFound,
    ) -> str:
        """The outcome of /addq or /delq."""
        match result:
            case NotAllowed():
                return self.t("not_admin")
            case Malformed(reason="", usage=usage):
                return self.t(usage)
            case Malformed(reason=reason, usage=usage):
                return f"{self.t('addq_malformed', reason=reason)}\n{self.t(usage)}"
            case QuestionAdded(question=question):
                return self.t("addq_added", id=question.id, topic=question.topic)
            case DuplicateQuestion(question=question):
                return self.t("addq_duplicate", id=question.id)
            case QuestionDeactivated(question=question):
                return self.t("delq_done", id=question.id)
            case QuestionNotFound(question_id=question_id):
                return self.t("delq_missing", id=question_id)
        raise TypeError(f"unexpected result {result!r}")
