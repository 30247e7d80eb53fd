"""Writes docs/curriculum-sources-used.md from the citations in the content files (`manage.py course_sources`), so
the map of where each block and question comes from can never drift from the content."""

from __future__ import annotations

import re

from .content import Content, parse_citations

DOCUMENTS = [
    ("000", "内閣官房 孤独・孤立対策担当室「「孤独・孤立対策官民連携プラットフォーム」と「分科会」の紹介」"),
    ("001", "内閣府 孤独・孤立対策推進室「最近の孤独・孤立対策の取組について」（令和8年1月16日）"),
    ("002", "第3回有識者会議 参考資料1"),
    ("003", "内閣官房 孤独・孤立対策担当室「最近の孤独・孤立対策の取組について」（令和5年10月10日）"),
    (
        "004",
        "北海道 オホーツク総合振興局社会福祉課「孤独・孤立対策官民連携 プラットフォーム会議」（令和7年3月）",
    ),
]
EXCERPT = 70


def _plain(value) -> str:
    if isinstance(value, dict):
        parts = [str(v) for v in value.values() if v and not isinstance(v, list)]
        parts += [str(v) for v in value.get("points", [])]
        value = " / ".join(parts)
    text = re.sub(r"<[^>]+>", "", str(value))
    return re.sub(r"\s+", " ", text).strip()


def _cell(text: str, limit: int = EXCERPT) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "｜")


def _seed_excerpt(source: str) -> str:
    citations, _problems = parse_citations(source)
    return _cell(" ".join(re.sub(r"\s+", " ", c.text()).strip() for c in citations))


def render(content: Content) -> str:
    out = [
        "# つながりサポーター養成講座: where the content comes from",
        "",
        "**Generated** from the `source:` citations in `courses/content/*.yaml` by `manage.py course_sources`; do not",
        "edit by hand (`tests/courses/test_content.py` fails when this file is out of date). Citations are",
        "`document:line` of the seed documents in `/work/shared/seeds/`; the last column shows the start of the cited",
        "lines so a reviewer can check each claim.",
        "",
        "| prefix | document |",
        "| --- | --- |",
        *[f"| `{prefix}` | {title} |" for prefix, title in DOCUMENTS],
        "",
        f"Curriculum version {content.course.get('curriculum_version', '')}. The module titles and their order come",
        "from `001:456-465`; the course's three scope notes from `001:467-469`.",
        "",
    ]
    blocks = questions = 0
    for page in content.pages:
        kind = "参考資料（確認問題なし）" if page.get("kind") == "reference" else f"第{page['number']}章"
        out += [
            f"## {kind} {page['title']} (`{page['_file']}`)",
            "",
            "| # | block | content | source | seed text |",
        ]
        out.append("| --- | --- | --- | --- | --- |")
        for index, block in enumerate(page.get("body") or [], start=1):
            blocks += 1
            out.append(
                f"| {index} | {block['type']} | {_cell(_plain(block['value']))} | `{block['source']}` "
                f"| {_seed_excerpt(block['source'])} |"
            )
        if page.get("questions"):
            out += [
                "",
                "| question | kind | text | answer | source | seed text |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            for question in page["questions"]:
                questions += 1
                answer = " / ".join(c["text"] for c in question["choices"] if c.get("correct"))
                out.append(
                    f"| {question['key']} | {question.get('kind', 'knowledge')} | {_cell(question['text'], 50)} "
                    f"| {_cell(answer, 50)} | `{question['source']}` | {_seed_excerpt(question['source'])} |"
                )
        out.append("")
    out += [f"In all: {blocks} body blocks and {questions} questions, each with its citation.", ""]
    return "\n".join(out)
