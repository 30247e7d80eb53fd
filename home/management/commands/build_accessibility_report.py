"""Regenerate the automated part of /accessibility/ (試験結果) from the e2e axe-core runs.

    .venv/bin/python -m pytest tests/e2e          # each axe check appends to var/axe-results.jsonl
    .venv/bin/python manage.py build_accessibility_report
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from home.accessibility import REPORT_PATH, build_report, read_records


class Command(BaseCommand):
    help = "e2e の axe-core の結果（var/axe-results.jsonl）から、アクセシビリティの試験結果を作り直します。"

    def add_arguments(self, parser):
        parser.add_argument("--input", default=str(Path(settings.BASE_DIR) / "var" / "axe-results.jsonl"))
        parser.add_argument("--output", default=str(REPORT_PATH))
        parser.add_argument("--date", default="", help="試験日（YYYY-MM-DD）。省略すると結果の最後の日付")

    def handle(self, *args, input, output, date, **options):
        source = Path(input)
        if not source.exists():
            raise CommandError(f"{source} がありません。先に e2e テスト（tests/e2e）を実行してください。")
        records = read_records(source)
        if not records:
            raise CommandError(f"{source} に結果がありません。")
        tested_on = date or max(r["at"] for r in records)[:10] or timezone.localdate().isoformat()
        report = build_report(records, tested_on=tested_on)
        Path(output).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        failing = [c["number"] for c in report["criteria"] if c["violating_rules"]]
        self.stdout.write(
            f"{len(records)}回の試験（{len(report['pages'])}ページ・幅）から {output} を作りました。"
            f"自動試験で問題のある達成基準：{', '.join(failing) or 'なし'}"
        )
