"""The HTTP benchmark's static files storage: WhiteNoise's CompressedManifestStaticFilesStorage (hashed names, a
manifest, .gz/.br beside each file — what production serves), except that the packages' files (Wagtail's admin,
Swagger UI, …) are hashed but not compressed. Compressing those hundreds of files took 134 s of the benchmark on the
shared machine; no public page links to them."""

from pathlib import Path

from whitenoise.storage import CompressedManifestStaticFilesStorage

ROOT = Path(__file__).resolve().parents[2]
# Top-level names under STATIC_ROOT that come from this repository (lms/static's own files and each app's folder).
OWN = {path.name for pattern in ("*/static", "*/*/static") for app_static in ROOT.glob(pattern)
       if not app_static.parts[len(ROOT.parts)].startswith(".") for path in app_static.iterdir()}


class OwnFilesCompressedStorage(CompressedManifestStaticFilesStorage):
    def compress_files(self, paths):
        return super().compress_files([path for path in paths if path.split("/", 1)[0] in OWN])
