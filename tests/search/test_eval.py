"""Recall@5 of the evaluation set (tests/search/eval_set.py) on the current database (SQLite, or PostgreSQL when
DATABASE_URL is set): at least 0.9, and the figure is printed (`pytest -s tests/search/test_eval.py`)."""

import pytest
from django.db import connection

from search.selectors import search
from tests.search.eval_set import EVAL_SET, MUST_NOT_MATCH

pytestmark = pytest.mark.django_db

RECALL_AT_5_TARGET = 0.9


def top5(query: str) -> list[str]:
    return [r.document.title for r in search(query=query).results[:5]]


def test_eval_set_is_big_enough():
    assert len(EVAL_SET) + len(MUST_NOT_MATCH) >= 30
    assert len({query for query, _, _ in EVAL_SET}) == len(EVAL_SET)


def test_recall_at_5_of_the_evaluation_set(site):
    scores, misses = [], []
    for query, expected, _why in EVAL_SET:
        found = top5(query)
        score = sum(title in found for title in expected) / len(expected)
        scores.append(score)
        if score < 1:
            misses.append(f"{query}: expected {expected}, top 5 {found}")
    for query, _why in MUST_NOT_MATCH:
        found = top5(query)
        scores.append(0.0 if found else 1.0)
        if found:
            misses.append(f"{query}: expected nothing, got {found}")
    recall = sum(scores) / len(scores)
    print(f"\nsearch recall@5 on {connection.vendor}: {recall:.3f} over {len(scores)} queries")
    for miss in misses:
        print("  miss:", miss)
    assert recall >= RECALL_AT_5_TARGET, "\n".join(misses)


@pytest.mark.parametrize(("query", "why"), MUST_NOT_MATCH)
def test_words_in_no_page_find_nothing(site, query, why):
    assert search(query=query).total == 0, why
