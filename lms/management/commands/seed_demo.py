from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Create demo data (users per role, workshops, a campaign). Idempotent; refused in production."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("デモデータは本番環境では作成できません（DEMO_DATA_ALLOWED が False です）。")
        for path in settings.DEMO_SEEDERS:
            seeder = import_string(path)
            for line in seeder() or []:
                self.stdout.write(line)
