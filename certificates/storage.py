"""Where rendered certificate files live: their own storage, `STORAGES["certificates"]`, outside MEDIA_ROOT, so
no web server and no development `/media/` route can ever serve them. By default a local folder
(CERTIFICATE_FILES_ROOT, `var/certificates/`); for several hosts an S3-compatible bucket through django-storages
(docs/certificate-files.md). Downloads go through `certificates.views.download`, which lets only the holder and
staff through. File names also carry a random folder name."""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages


class PrivateCertificateStorage(FileSystemStorage):
    def url(self, name):  # never a public URL
        raise NotImplementedError("Certificate files are downloaded through the certificates views only.")


def certificate_storage():
    return storages["certificates"]


def inside(path, folder) -> bool:
    """Is `path` the folder `folder` or inside it?"""
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents
