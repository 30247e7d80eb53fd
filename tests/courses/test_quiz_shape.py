"""The quizzes measure learning rather than test-taking skill: checked over every question in the content files."""

from collections import Counter

import pytest

from courses.content import load_content

GIVEAWAY_WORDS = ("必ず", "一切", "絶対", "だけ", "決して", "すべての", "いつでも")


@pytest.fixture(scope="module")
def content():
    return load_content()


def single_answer(content):
    return [q for m in content.modules for q in m["questions"] if not q.get("multiple")]


def test_every_module_has_a_pool_of_at_least_eight_and_draws_five(content):
    for module in content.modules:
        assert len(module["questions"]) >= 8, module["title"]
        assert module["questions_per_attempt"] == 5, module["title"]


def test_every_module_has_at_least_two_situation_questions(content):
    for module in content.modules:
        situations = [q for q in module["questions"] if q.get("kind") == "situation"]
        assert len(situations) >= 2, module["title"]


def test_the_correct_choice_is_not_usually_the_longest(content):
    questions = single_answer(content)
    longest = 0
    for q in questions:
        lengths = [len(c["text"]) for c in q["choices"]]
        correct = next(len(c["text"]) for c in q["choices"] if c.get("correct"))
        longest += correct == max(lengths)
    print(f"\ncorrect choice longest (or tied) in {longest} of {len(questions)} single-answer questions")
    assert longest <= 0.4 * len(questions)


def test_no_position_holds_more_than_forty_percent_of_correct_answers(content):
    positions = Counter()
    for module in content.modules:
        for q in module["questions"]:
            for index, choice in enumerate(q["choices"]):
                if choice.get("correct"):
                    positions[index] += 1
    total = sum(positions.values())
    print(f"\ncorrect answers by position (as written; shown shuffled): {dict(sorted(positions.items()))}")
    assert max(positions.values()) <= 0.4 * total


def test_no_two_multiple_answer_questions_share_a_correct_pattern(content):
    patterns = [
        tuple(bool(c.get("correct")) for c in q["choices"])
        for m in content.modules
        for q in m["questions"]
        if q.get("multiple")
    ]
    assert len(patterns) >= 5
    assert len(set(patterns)) == len(patterns), Counter(patterns).most_common(3)


def test_choices_are_of_similar_length(content):
    """A distractor much shorter than the answer gives it away: within a question the shortest choice is at least
    40 % of the longest."""
    for module in content.modules:
        for q in module["questions"]:
            lengths = [len(c["text"]) for c in q["choices"]]
            assert min(lengths) >= 0.4 * max(lengths), (module["title"], q["key"], lengths)


def test_wrong_choices_do_not_use_absolute_giveaway_words(content):
    for module in content.modules:
        for q in module["questions"]:
            for choice in q["choices"]:
                if not choice.get("correct"):
                    assert not any(w in choice["text"] for w in GIVEAWAY_WORDS), (
                        module["title"],
                        choice["text"],
                    )


def test_the_shape_checks_fail_on_the_previous_quiz_style():
    """The checks above can fail: the old style (answer first and longest, 'the first three' pattern) trips them."""
    old = [
        {
            "choices": [
                {"text": "正しくて長い説明の選択肢です", "correct": True},
                {"text": "短い"},
                {"text": "だけ"},
            ]
        }
        for _ in range(5)
    ]
    longest = sum(max(len(c["text"]) for c in q["choices"]) == len(q["choices"][0]["text"]) for q in old)
    assert longest > 0.4 * len(old)
    positions = Counter(i for q in old for i, c in enumerate(q["choices"]) if c.get("correct"))
    assert max(positions.values()) > 0.4 * sum(positions.values())
