"""Bring the project's Japanese catalogue (lms/locale/ja) in line with the code: makemessages, fill the msgstr of
new Japanese msgids with the msgid itself (the source language is Japanese), compile the .mo (lms/i18n.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.i18n import compile_catalogue, fill_project_catalogue, run_makemessages


class Command(BaseCommand):
    help = "プロジェクトの翻訳カタログ（lms/locale/ja）をコードに合わせて更新し、.mo を作り直します。"

    def handle(self, *args, **options):
        path = run_makemessages(Path(settings.BASE_DIR))
        missing = fill_project_catalogue(path)
        compile_catalogue(path)
        import polib

        count = len([e for e in polib.pofile(str(path)) if not e.obsolete])
        self.stdout.write(f"{path.relative_to(settings.BASE_DIR)}: {count} 件の msgid")
        if missing:
            for msgid in missing:
                self.stdout.write(f"  日本語がありません: {msgid!r}")
            raise CommandError(f"{len(missing)} 件の msgid に日本語がありません。.po に訳を書いてからもう一度実行してください。")
