from django.core.management.base import BaseCommand

from lms.reports import tasks


class Command(BaseCommand):
    help = (
        "Recompute every report roll-up from the raw rows, then every prefecture's disclosure plan (idempotent; "
        "safe while the site runs)."
    )

    def handle(self, *args, **options):
        figures = tasks.rebuild_with_plans()  # the roll-ups, then every prefecture's disclosure plan
        self.stdout.write("集計表を作り直しました: " + ", ".join(f"{k}={v:,}" for k, v in figures.items()))
