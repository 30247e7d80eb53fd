"""Move certificate files from their old place (MEDIA_ROOT/private/, where releases before issue 13 kept them) into
the certificates storage (STORAGES["certificates"]). Names stay the same, so no database row changes. Idempotent:
a file already in the new storage is not copied again; the old copy is removed either way."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand

from certificates.storage import certificate_storage


class Command(BaseCommand):
    help = "古い保存場所（MEDIA_ROOT/private/）の修了証ファイルを、修了証専用のストレージへ移します。"

    def handle(self, *args, **options):
        old_root = os.path.join(settings.MEDIA_ROOT, "private")
        storage = certificate_storage()
        moved = kept = 0
        for folder, _dirs, files in os.walk(old_root):
            for filename in files:
                path = os.path.join(folder, filename)
                name = os.path.relpath(path, old_root).replace(os.sep, "/")
                if storage.exists(name):
                    kept += 1
                else:
                    with open(path, "rb") as handle:
                        saved = storage.save(name, File(handle))
                    if saved != name:  # never rename: the database rows name these files
                        storage.delete(saved)
                        raise RuntimeError(f"could not store {name} under its own name")
                    moved += 1
                os.remove(path)
        for folder, _dirs, _files in sorted(os.walk(old_root), reverse=True):
            if folder != old_root and not os.listdir(folder):
                os.rmdir(folder)
        self.stdout.write(f"移動: {moved} 件、移動先に既にあったもの: {kept} 件")
