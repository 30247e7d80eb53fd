from django.core.management.base import BaseCommand, CommandError

from courses.seeding import SeedError, seed_course


class Command(BaseCommand):
    help = "つながりサポーター養成講座（全8章と確認問題）を作成します。何度実行しても安全で、編集者の変更は上書きしません。"

    def handle(self, *args, **options):
        try:
            lines = seed_course()
        except SeedError as error:
            raise CommandError(str(error)) from error
        for line in lines:
            self.stdout.write(line)
