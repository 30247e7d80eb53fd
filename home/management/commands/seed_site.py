"""`manage.py seed_site`: the consultation windows from the seeds, the campaign index (/campaign/) and the
standard pages (about, FAQ, terms, privacy). Idempotent, never overwrites editors' changes; `make setup` runs it."""

from django.core.management.base import BaseCommand

from home.services import seed_site


class Command(BaseCommand):
    help = "相談窓口・強化月間の一覧ページ・標準ページ（このサイトについて等）を作成します（冪等）。"

    def handle(self, *args, **options):
        for line in seed_site():
            self.stdout.write(line)
