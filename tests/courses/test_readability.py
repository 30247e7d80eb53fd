"""Plain Japanese: each module's body, taken from the content files, is measured with `jreadability` (Lee & Hasebe's
formula; 3.5–4.4 is 'standard'). Aim: every module ≥ 3.0 and the course mean ≥ 3.5. Run with -s to see the table."""

import pytest

pytest.importorskip("jreadability", reason="dev dependency: pip install 'jreadability>=1.1.5,<2'")

from courses.content import load_content  # noqa: E402
from courses.readability import band, body_text, score  # noqa: E402

MODULE_MINIMUM = 3.0
COURSE_MEAN = 3.5


@pytest.fixture(scope="module")
def table():
    rows = [(m["number"], m["title"], score(body_text(m))) for m in load_content().modules]
    print("\n章 | タイトル | jreadability | 目安")
    for number, title, value in rows:
        print(f"{number} | {title} | {value:.2f} | {band(value)}")
    mean = sum(v for _n, _t, v in rows) / len(rows)
    print(f"平均 | | {mean:.2f} | {band(mean)}")
    return rows, mean


def test_every_module_reads_at_least_at_the_minimum(table):
    rows, _mean = table
    assert len(rows) == 8
    assert [r for r in rows if r[2] < MODULE_MINIMUM] == []


def test_the_course_mean_reads_as_standard_japanese(table):
    _rows, mean = table
    assert mean >= COURSE_MEAN


def test_the_measure_tells_hard_text_from_plain_text():
    hard = "孤独は主観的概念であり、ひとりぼっちと感じる精神的な状態を指し、寂しいことという感情を含めて用いられることがある。"
    plain = "孤独は、心の状態です。「ひとりぼっちだ」と感じることです。さびしい気持ちも含みます。"
    assert score(hard) < MODULE_MINIMUM < score(plain)


def test_body_text_includes_every_kind_of_reading_block():
    module = {
        "body": [
            {"type": "heading", "value": "見出し"},
            {"type": "text", "value": "<p>本文<strong>です</strong>。</p>"},
            {"type": "key_points", "value": {"title": "ポイント", "points": ["点一"]}},
            {
                "type": "statistic",
                "value": {"label": "割合", "value": "4.3", "unit": "%", "year": "2024", "note": "補足"},
            },
            {"type": "reflection", "value": {"prompt": "問い"}},
            {"type": "resource", "value": {"key": "x"}},
        ]
    }
    assert body_text(module).split("\n") == [
        "見出し",
        "本文です。",
        "点一",
        "割合：4.3%（2024）",
        "補足",
        "問い",
    ]
