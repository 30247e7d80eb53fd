from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.content import ContentError, load_content
from courses.sources_doc import render

DOC = Path(settings.BASE_DIR) / "docs" / "curriculum-sources-used.md"


class Command(BaseCommand):
    help = "講座の内容ファイルの出典（source）から docs/curriculum-sources-used.md を作り直します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="書き換えずに、最新かどうかだけを確かめます。"
        )

    def handle(self, *args, check=False, **options):
        try:
            text = render(load_content())
        except ContentError as error:
            raise CommandError("内容ファイルに問題があります:\n" + "\n".join(error.problems)) from error
        if check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{DOC} が最新ではありません。`manage.py course_sources` を実行してください。"
                )
            self.stdout.write("最新です。")
            return
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"{DOC} を書き出しました。")
