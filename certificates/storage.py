"""Where rendered certificate files live: under MEDIA_ROOT/private/, never served by the web server (no base URL).
Downloads go through `certificates.views.download`, which lets only the holder and staff through. File names carry a
random folder name as well, so a misconfigured server that did serve MEDIA_ROOT would still not expose them by
guessing."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateCertificateStorage(FileSystemStorage):
    def url(self, name):  # never a public URL
        raise NotImplementedError("Certificate files are downloaded through the certificates views only.")


def certificate_storage() -> PrivateCertificateStorage:
    # Built per call so MEDIA_ROOT changes (tests) take effect.
    return PrivateCertificateStorage(location=os.path.join(settings.MEDIA_ROOT, "private"), base_url=None)
