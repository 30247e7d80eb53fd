"""/accessibility/: the policy and the 試験結果 in JIS X 8341-3:2016's form, the automated part built from the e2e
axe runs by a command, manual checks listed as manual; linked from every footer. Plus the favicon."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from home.accessibility import AUTOMATED_FAIL, AUTOMATED_PASS, CRITERIA, NOT_COVERED, build_report

pytestmark = pytest.mark.django_db


def _record(path="/", width=360, violations=(), passes=()):
    return {
        "label": path, "path": path, "title": "ページ", "width": width, "at": "2026-12-03T15:00:00+00:00",
        "axe_version": "4.x",
        "violations": [{"id": rule, "impact": "serious", "tags": tags, "nodes": 1} for rule, tags in violations],
        "passes": [{"id": rule, "impact": None, "tags": tags, "nodes": 1} for rule, tags in passes],
        "incomplete": [],
    }


def test_the_report_folds_axe_runs_into_every_a_and_aa_criterion():
    records = [
        _record("/", 360, passes=[("color-contrast", ["wcag2aa", "wcag143"]), ("html-has-lang", ["wcag2a", "wcag311"])]),
        _record("/verify/", 1280, violations=[("color-contrast", ["wcag2aa", "wcag143"])]),
        _record("/admin/pages/", 1280, violations=[("label", ["wcag2a", "wcag412"])]),  # staff screen: out of scope
    ]
    report = build_report(records, tested_on="2026-12-03")
    rows = {c["number"]: c for c in report["criteria"]}
    assert len(rows) == len(CRITERIA) == 38
    assert rows["1.4.3"]["automated"] == AUTOMATED_FAIL and rows["1.4.3"]["violating_rules"] == ["color-contrast"]
    assert rows["3.1.1"]["automated"] == AUTOMATED_PASS
    assert rows["1.2.2"]["automated"] == NOT_COVERED  # no rule: never reported as passed
    assert rows["2.1.1"]["manual"]  # manual checks are listed as such
    assert [p["path"] for p in report["pages"]] == ["/", "/verify/"]
    assert rows["4.1.2"]["automated"] != AUTOMATED_FAIL


def test_the_command_regenerates_the_statement_from_the_e2e_results(tmp_path, client):
    source = tmp_path / "axe.jsonl"
    source.write_text(json.dumps(_record("/faq/", 360, passes=[("document-title", ["wcag2a", "wcag242"])]), ensure_ascii=False) + "\n")
    output = tmp_path / "report.json"
    call_command("build_accessibility_report", input=str(source), output=str(output))
    report = json.loads(output.read_text())
    assert report["tested_on"] == "2026-12-03" and report["pages"][0]["path"] == "/faq/"
    assert next(c for c in report["criteria"] if c["number"] == "2.4.2")["automated"] == AUTOMATED_PASS


def test_the_statement_page_has_the_parts_jis_asks_for_and_is_linked_from_the_footer(client):
    html = client.get("/accessibility/").content.decode()
    for part in ("ウェブアクセシビリティ方針", "試験結果", "JIS X 8341-3:2016", "目標とする適合レベル", "AA", "対象範囲",
                 "試験を実施した日", "試験の対象ページ", "試験の方法", "達成基準ごとの結果", "手動で確認する項目", "未実施"):
        assert part in html, part
    assert html.count("<th scope=\"row\">") >= 38
    assert 'href="/accessibility/"' in client.get("/").content.decode()


def test_a_favicon_is_served(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon" in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
