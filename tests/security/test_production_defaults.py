"""Production-safe defaults (issue 13, item 8): the entry points start production settings unless told otherwise,
and production refuses to start without SITE_URL or the trusted proxy count."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "SECRET_KEY": "p" * 60,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tsunagari_never_used",
    "CACHE_URL": "redis://127.0.0.1:6379/14",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
    "ALLOWED_HOSTS": "tsunagari.example.jp",
    "SITE_URL": "https://tsunagari.example.jp",
    "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
    "CERTIFICATE_SIGNING_KEY": base64.b64encode(b"k" * 32).decode(),
}


def _run(code: str, **env) -> subprocess.CompletedProcess:
    """Python in a fresh process with only `env` (no DJANGO_SETTINGS_MODULE unless given)."""
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/root"), **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "code",
    [
        "import lms.wsgi",
        "import lms.asgi",
        "from lms.celery import app; app.conf.broker_url",
    ],
    ids=["wsgi", "asgi", "celery"],
)
def test_entry_points_default_to_production_settings(code):
    bare = _run(code)  # nothing configured: production refuses to start (no dev defaults, no insecure key)
    assert bare.returncode != 0
    assert "SECRET_KEY is required in production" in bare.stderr
    configured = _run(code + "; from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)",
                      **PRODUCTION_ENV)
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.split()[-2:] == ["lms.settings.production", "False"]


def test_manage_py_still_chooses_development_explicitly():
    result = _run("import runpy, sys; sys.argv = ['manage.py', 'diffsettings', '--all']; runpy.run_path('manage.py', run_name='__main__')")
    assert result.returncode == 0, result.stderr
    assert "SETTINGS_MODULE = 'lms.settings.dev'" in result.stdout


@pytest.mark.parametrize(
    ("missing", "value", "message"),
    [
        ("SITE_URL", None, "SITE_URL is required in production"),
        ("SITE_URL", "http://tsunagari.example.jp", "SITE_URL is required in production"),
        ("ALLAUTH_TRUSTED_PROXY_COUNT", None, "ALLAUTH_TRUSTED_PROXY_COUNT"),
    ],
)
def test_production_refuses_to_start_without_site_url_or_proxy_count(missing, value, message):
    env = dict(PRODUCTION_ENV)
    if value is None:
        env.pop(missing)
    else:
        env[missing] = value
    result = _run("import django; django.setup()", DJANGO_SETTINGS_MODULE="lms.settings.production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_uses_the_configured_site_url_for_qr_codes():
    result = _run(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SITE_URL, settings.WAGTAILADMIN_BASE_URL, settings.ALLAUTH_TRUSTED_PROXY_COUNT)",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://tsunagari.example.jp", "https://tsunagari.example.jp", "1"]
