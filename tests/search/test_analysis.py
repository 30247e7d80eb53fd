"""Normalising and cutting text into lexemes: the rules every document and query go through."""

import pytest

from search.analysis import MAX_QUERY_LENGTH, document_lexemes, normalise, parse_query, segments
from search.highlight import find_hits, highlight, snippet


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＤＶ", "dv"),
        ("ｻﾎﾟｰﾀｰ", "サポーター"),
        ("＃９９９９", "#9999"),
        ("相談\u3000窓口", "相談 窓口"),
        ('"相談"\x00', "相談"),
        ("  孤立\t\n ", "孤立"),
        ("Ｃｈａｔ", "chat"),
    ],
)
def test_normalise_folds_widths_kana_and_case_and_drops_controls_and_quotes(raw, expected):
    assert normalise(raw) == expected


def test_segments_split_at_punctuation_but_keep_long_vowel_and_words():
    assert segments(normalise("孤立相談ダイヤル「#9999」・チャット")) == [
        ["孤", "立", "相", "談", "ダ", "イ", "ヤ", "ル"],
        ["9999"],
        ["チ", "ャ", "ッ", "ト"],
    ]


def test_document_lexemes_are_uni_bi_and_trigrams_of_units():
    lexemes = document_lexemes("相談窓口 #9999").split()
    assert {"相", "相談", "相談窓", "談窓口", "窓口", "口", "9999"} <= set(lexemes)
    assert "相談窓口" not in lexemes  # four units: found through its trigrams


@pytest.mark.parametrize(
    ("query", "lexemes"),
    [
        ("相談", ("相談",)),
        ("孤", ("孤",)),
        ("つながり", ("つなが", "ながり")),
        ("#9999", ("9999",)),
        ("９９９９", ("9999",)),
        ("ﾀﾞｲﾔﾙ", ("ダイヤ", "イヤル")),
    ],
)
def test_query_terms_become_lexemes(query, lexemes):
    assert parse_query(query).terms[0].lexemes == lexemes


@pytest.mark.parametrize("query", ["", "   ", "\u3000", '"', "*", "\x00", "「」", "!!!"])
def test_queries_without_letters_or_japanese_are_empty(query):
    assert parse_query(query).is_empty


def test_long_query_is_cut_and_says_so():
    parsed = parse_query("相" * 1000)
    assert parsed.truncated
    assert len(parsed.text) == MAX_QUERY_LENGTH


def test_highlight_escapes_then_marks_hits_in_the_original_wording():
    assert str(highlight("<b>ＤＶ</b>の相談", ["dv", "相談"])) == "&lt;b&gt;<mark>ＤＶ</mark>&lt;/b&gt;の<mark>相談</mark>"


def test_highlight_maps_half_width_kana_back_to_the_original():
    assert find_hits("ｻﾎﾟｰﾀｰになる", ["サポーター"]) == [(0, 6)]  # ﾎﾟ (two characters) is one ポ


def test_snippet_is_a_window_around_the_first_hit():
    text = "あ" * 300 + "相談" + "い" * 300
    html = str(snippet(text, ["相談"], width=60, before=10))
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>相談</mark>" in html
