from dataclasses import FrozenInstanceError

import pytest

from bot.core.mastery import (
    MASTERY_SMOOTHING,
    MIN_ANSWERS_FOR_WEAKNESS,
    WEAK_TOPIC_LIMIT,
    TopicProgress,
    record_result,
    weak_topics,
)


def progress_after(*results, topic="归一化"):
    progress = TopicProgress(topic)
    for result in results:
        progress = (
            record_result(progress, 0, skipped=True) if result is None else record_result(progress, result)
        )
    return progress


def judged(topic, mastery, attempts=MIN_ANSWERS_FOR_WEAKNESS):
    return TopicProgress(topic, answers=attempts, score_sum=attempts * 50, mastery=mastery)


class TestRecordResult:
    def test_the_first_answer_sets_mastery_to_its_score(self):
        assert progress_after(80).mastery == 0.8

    def test_later_answers_move_mastery_part_of_the_way(self):
        assert MASTERY_SMOOTHING == 0.3
        assert progress_after(80, 20).mastery == pytest.approx(0.8 + 0.3 * (0.2 - 0.8))

    def test_mastery_follows_an_exponential_moving_average(self):
        expected = 1.0
        for score in (0, 50, 100):
            expected += MASTERY_SMOOTHING * (score / 100 - expected)

        assert progress_after(100, 0, 50, 100).mastery == pytest.approx(expected, abs=1e-4)

    def test_mastery_is_rounded_to_four_places(self):
        assert progress_after(100, 0, 0, 0, 0, 0).mastery == 0.1681

    def test_answers_count_and_sum_their_scores(self):
        progress = progress_after(80, 40, 90)

        assert (progress.answers, progress.skips, progress.score_sum) == (3, 0, 210)
        assert progress.mean_score == 70

    def test_a_skip_counts_as_zero_for_mastery(self):
        assert progress_after(100, None).mastery == pytest.approx(0.7)

    def test_a_first_skip_sets_mastery_to_zero(self):
        assert progress_after(None).mastery == 0.0

    def test_a_skip_is_not_an_answer(self):
        progress = progress_after(80, None)

        assert (progress.answers, progress.skips, progress.attempts) == (1, 1, 2)
        assert progress.score_sum == 80
        assert progress.mean_score == 80

    def test_a_skip_ignores_any_score_passed_with_it(self):
        assert record_result(TopicProgress("归一化"), 90, skipped=True) == progress_after(None)

    def test_mean_score_of_no_answers_is_zero(self):
        assert progress_after(None).mean_score == 0.0

    def test_the_topic_is_kept(self):
        assert progress_after(50, topic="优化").topic == "优化"

    def test_the_input_progress_is_not_changed(self):
        before = progress_after(80)

        record_result(before, 10)

        assert before == progress_after(80)

    def test_progress_cannot_be_changed_in_place(self):
        with pytest.raises(FrozenInstanceError):
            TopicProgress("归一化").mastery = 1.0


class TestWeakTopics:
    def test_topics_with_too_few_attempts_are_not_judged(self):
        progress = [judged("归一化", 0.1, attempts=MIN_ANSWERS_FOR_WEAKNESS - 1), judged("优化", 0.9)]

        assert [item.topic for item in weak_topics(progress)] == ["优化"]

    def test_skips_count_as_attempts(self):
        progress = TopicProgress("归一化", answers=1, skips=MIN_ANSWERS_FOR_WEAKNESS - 1, mastery=0.2)

        assert weak_topics([progress]) == [progress]

    def test_the_weakest_topics_come_first(self):
        progress = [judged("甲", 0.6), judged("乙", 0.2), judged("丙", 0.9)]

        assert [item.topic for item in weak_topics(progress)] == ["乙", "甲", "丙"]

    def test_ties_are_broken_by_topic_name(self):
        progress = [judged("optimizer", 0.5), judged("cnn", 0.5)]

        assert [item.topic for item in weak_topics(progress)] == ["cnn", "optimizer"]

    def test_at_most_the_limit_is_returned(self):
        progress = [judged(f"topic{index}", index / 10) for index in range(6)]

        assert [item.topic for item in weak_topics(progress)] == ["topic0", "topic1", "topic2"]
        assert len(weak_topics(progress)) == WEAK_TOPIC_LIMIT
        assert [item.topic for item in weak_topics(progress, limit=1)] == ["topic0"]

    def test_the_minimum_attempts_can_be_set(self):
        progress = [judged("归一化", 0.1, attempts=1)]

        assert weak_topics(progress, min_attempts=1) == progress

    def test_no_progress_means_no_weak_topics(self):
        assert weak_topics([]) == []

    def test_accepts_any_iterable(self):
        assert len(weak_topics(judged(topic, 0.5) for topic in ["甲", "乙"])) == 2
