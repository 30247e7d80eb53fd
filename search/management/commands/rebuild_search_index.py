"""`manage.py rebuild_search_index`: empty the site search index and build it again from every source (after a
restore, a bulk import without signals, or a change to what a source indexes). Safe to run at any time."""

from django.core.management.base import BaseCommand

from search.enums import Kind
from search.services import rebuild_index


class Command(BaseCommand):
    help = "サイト内検索のインデックスを作り直します（何度実行しても同じ結果になります）。"

    def handle(self, *args, **options):
        counts = rebuild_index()
        for kind in Kind:
            self.stdout.write(f"{kind.label}: {counts.get(kind.value, 0)} 件")
        self.stdout.write(self.style.SUCCESS(f"検索インデックスを作り直しました（合計 {sum(counts.values())} 件）。"))
