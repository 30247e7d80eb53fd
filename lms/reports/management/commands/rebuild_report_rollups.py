from django.core.management.base import BaseCommand

from lms.reports import rollups


class Command(BaseCommand):
    help = "Recompute every report roll-up from the raw rows (idempotent; safe while the site runs)."

    def handle(self, *args, **options):
        figures = rollups.rebuild_all()
        self.stdout.write("集計表を作り直しました: " + ", ".join(f"{k}={v:,}" for k, v in figures.items()))
