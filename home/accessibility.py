"""The accessibility statement (/accessibility/): a ウェブアクセシビリティ方針 and 試験結果 in the form JIS X 8341-3:2016
asks of public bodies. The automated part is built from the e2e axe-core runs by `manage.py
build_accessibility_report` into home/data/accessibility_report.json; manual checks are listed as such and never
marked passed by code."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

REPORT_PATH = Path(__file__).resolve().parent / "data" / "accessibility_report.json"

# JIS X 8341-3:2016 (= WCAG 2.0) success criteria of levels A and AA, with the standard's Japanese names.
CRITERIA: list[tuple[str, str, str]] = [
    ("1.1.1", "非テキストコンテンツ", "A"),
    ("1.2.1", "音声のみ及び映像のみ（収録済）", "A"),
    ("1.2.2", "キャプション（収録済）", "A"),
    ("1.2.3", "音声解説、又はメディアに対する代替（収録済）", "A"),
    ("1.2.4", "キャプション（ライブ）", "AA"),
    ("1.2.5", "音声解説（収録済）", "AA"),
    ("1.3.1", "情報及び関係性", "A"),
    ("1.3.2", "意味のある順序", "A"),
    ("1.3.3", "感覚的な特徴", "A"),
    ("1.4.1", "色の使用", "A"),
    ("1.4.2", "音声の制御", "A"),
    ("1.4.3", "コントラスト（最低限）", "AA"),
    ("1.4.4", "テキストのサイズ変更", "AA"),
    ("1.4.5", "文字画像", "AA"),
    ("2.1.1", "キーボード", "A"),
    ("2.1.2", "キーボードトラップなし", "A"),
    ("2.2.1", "タイミング調整可能", "A"),
    ("2.2.2", "一時停止、停止、非表示", "A"),
    ("2.3.1", "3回の閃光、又は閾値以下", "A"),
    ("2.4.1", "ブロックスキップ", "A"),
    ("2.4.2", "ページタイトル", "A"),
    ("2.4.3", "フォーカス順序", "A"),
    ("2.4.4", "リンクの目的（コンテキスト内）", "A"),
    ("2.4.5", "複数の手段", "AA"),
    ("2.4.6", "見出し及びラベル", "AA"),
    ("2.4.7", "フォーカスの可視化", "AA"),
    ("3.1.1", "ページの言語", "A"),
    ("3.1.2", "一部分の言語", "AA"),
    ("3.2.1", "フォーカス時", "A"),
    ("3.2.2", "入力時", "A"),
    ("3.2.3", "一貫したナビゲーション", "AA"),
    ("3.2.4", "一貫した識別性", "AA"),
    ("3.3.1", "エラーの特定", "A"),
    ("3.3.2", "ラベル又は説明", "A"),
    ("3.3.3", "エラー修正の提案", "AA"),
    ("3.3.4", "エラー回避（法的、金融、データ）", "AA"),
    ("4.1.1", "構文解析", "A"),
    ("4.1.2", "名前（name）、役割（role）及び値（value）", "A"),
]

# What a person still has to check by hand (automated tools cannot judge these). Listed as manual, with no result
# until someone records one here with the date.
MANUAL_CHECKS: list[tuple[str, str]] = [
    ("1.1.1", "画像の代替テキストが、画像の内容や目的を正しく伝えているか"),
    ("1.2.2", "講座の動画にキャプション（字幕）があるか"),
    ("1.3.3", "説明が形や位置、色だけに頼っていないか"),
    ("2.1.1", "キーボードだけで新規登録から修了証の受け取りまで操作できるか"),
    ("2.4.3", "フォーカスの移動順序が意味のとおりか"),
    ("2.4.7", "フォーカスが常に見えるか（360 px と 1280 px の幅）"),
    ("3.3.3", "エラーの説明が、直し方まで伝えているか"),
    ("1.4.4", "文字を200%に拡大しても読め、操作できるか"),
]

STAFF_PREFIXES = ("/admin/", "/trainer/")

AUTOMATED_PASS = "自動試験で問題なし"  # noqa: S105  (a result label, not a password)
AUTOMATED_FAIL = "不適合（自動試験で問題を検出）"
NEEDS_REVIEW = "要確認（自動試験で判定できない箇所あり）"
NOT_COVERED = "自動試験の対象外（手動で確認）"


def criterion_of(tag: str) -> str | None:
    """axe-core's tag (wcag111, wcag143, wcag412) → the criterion number among CRITERIA, else None."""
    if not tag.startswith("wcag") or not tag[4:].isdigit():
        return None
    digits = tag[4:]
    number = f"{digits[0]}.{digits[1]}.{digits[2:]}" if len(digits) >= 3 else None
    return number if number in {c[0] for c in CRITERIA} else None


def build_report(records: list[dict], *, tested_on: str) -> dict:
    """Fold axe runs (one dict per page checked, as tests/e2e/conftest.py records them) into the statement's data."""
    outcome: dict[str, dict[str, set]] = defaultdict(lambda: {"violations": set(), "passes": set(), "incomplete": set()})
    pages: dict[tuple[str, int | None], dict] = {}
    versions = set()
    # The statement's scope is the public pages; staff screens (admin, trainer) are checked by the same runs but
    # reported elsewhere.
    records = [r for r in records if not r["path"].startswith(STAFF_PREFIXES)]
    for record in records:
        key = (record["path"], record.get("width"))
        pages.setdefault(key, {"path": record["path"], "title": record.get("title", ""), "width": record.get("width"), "violations": 0})
        pages[key]["violations"] += sum(1 for v in record.get("violations", []))
        if record.get("axe_version"):
            versions.add(record["axe_version"])
        for kind in ("violations", "passes", "incomplete"):
            for rule in record.get(kind, []):
                for tag in rule.get("tags", []):
                    number = criterion_of(tag)
                    if number:
                        outcome[number][kind].add(rule["id"])
    manual = defaultdict(list)
    for number, what in MANUAL_CHECKS:
        manual[number].append(what)
    rows = []
    for number, name, level in CRITERIA:
        found = outcome.get(number)
        if found and found["violations"]:
            result = AUTOMATED_FAIL
        elif found and found["incomplete"]:
            result = NEEDS_REVIEW
        elif found and found["passes"]:
            result = AUTOMATED_PASS
        else:
            result = NOT_COVERED
        rows.append(
            {
                "number": number,
                "name": name,
                "level": level,
                "automated": result,
                "rules": sorted(set().union(*found.values())) if found else [],
                "violating_rules": sorted(found["violations"]) if found else [],
                "manual": manual.get(number, []),
            }
        )
    return {
        "tested_on": tested_on,
        "axe_versions": sorted(versions),
        "pages": sorted(pages.values(), key=lambda p: (p["path"], p["width"] or 0)),
        "criteria": rows,
        "runs": len(records),
    }


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_report() -> dict | None:
    if not REPORT_PATH.exists():
        return None
    return json.loads(REPORT_PATH.read_text(encoding="utf-8"))
