from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.exporting import export_course


class Command(BaseCommand):
    help = (
        "管理画面で編集された講座の内容（最新の公開版）を courses/content/ の YAML ファイルに書き戻します。"
        "git で差分を確認してからコミットしてください。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="書き出す先のフォルダ（既定: courses/content/）")

    def handle(self, *args, output=None, **options):
        try:
            lines = export_course(output=output)
        except LookupError as error:
            raise CommandError(str(error)) from error
        for line in lines:
            self.stdout.write(line)
