"""Demo figures for the regional reports in `make run`: synthetic learners (@synth.invalid, made by
devtools.synth like `manage.py synth_learners`) so the demo officers (officer-tottori@example.jp and others, see
README.md) open a report with numbers. Idempotent: nothing is added when synthetic learners exist. No population
is imported: the packaged sample population file is fictitious, so per-10,000 figures stay 「—」 in the demo."""

from __future__ import annotations

from django.conf import settings

DEMO_LEARNERS = 30_000


def seed_reports() -> list[str]:
    from lms.accounts.models import User
    from lms.reports import compute, tasks

    from . import synth

    if User.objects.filter(email__endswith=f"@{synth.SYNTH_DOMAIN}").exists():
        return ["地域別レポート: 合成受講者は作成済みです。"]
    count = getattr(settings, "DEMO_REPORT_LEARNERS", DEMO_LEARNERS)
    if count <= 0:
        return []
    course, _modules = compute.course_modules()
    if course is None:
        return [
            "地域別レポート: 講座がないため合成受講者は作りません（先に seed_course を実行してください）。"
        ]
    synth.synthesise(count=count, seed=2026)
    tasks.rebuild_with_plans()  # the roll-ups and every prefecture's disclosure plan
    return [f"地域別レポート: 合成受講者 {count:,} 人と集計表を作成しました（/admin/reports/regions/）。"]
