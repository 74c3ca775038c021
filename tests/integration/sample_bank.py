"""A small, known bank for service tests: topics A, B and C with simple rubrics."""

from __future__ import annotations

from bot.core.question import QuestionDraft
from bot.core.rubric import KeyPoint, Rubric

GOOD_ANSWER = "it is alpha, beta and gamma"


def sample_drafts(per_topic: int = 4, topics: tuple[str, ...] = ("A", "B", "C")) -> list[QuestionDraft]:
    """Questions whose rubric is alpha, beta (weight 2) and gamma, answered fully by GOOD_ANSWER.

    Saying that alpha is delta is a mistake, which costs one point.
    """
    rubric = Rubric(
        (
            KeyPoint("alpha", ("阿尔法",), explain="alpha is expected"),
            KeyPoint("beta", ("贝塔",), weight=2),
            KeyPoint("gamma"),
        ),
        (KeyPoint("alpha is delta", ("alpha&delta",), explain="alpha and delta differ", mistake=True),),
    )
    return [
        QuestionDraft(
            key=f"{topic.lower()}-{number}",
            topic=topic,
            text=f"Question {number} of topic {topic}?",
            rubric=rubric,
            # Worded apart from the test answers, so that scores are the key points' share alone.
            answer=f"Reference {topic}{number}: 阿尔法、贝塔和伽马",
            difficulty=1 + number % 3,
        )
        for topic in topics
        for number in range(per_topic)
    ]
