"""Production: configured only by environment variables; fails loudly when a secret is missing."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403  (settings module)
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default=None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY を環境変数で設定してください (SECRET_KEY is required in production).")
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL is required in production (PostgreSQL).")
if CACHE_URL == "" or CELERY_BROKER_URL == "memory://":  # noqa: F405
    raise ImproperlyConfigured(
        "CACHE_URL and CELERY_BROKER_URL (or REDIS_URL for both) are required in production (shared cache, broker)."
    )
if CACHE_URL == CELERY_BROKER_URL:  # noqa: F405
    # A cache may be flushed or evict keys under memory pressure; the broker's queues must not go with it.
    raise ImproperlyConfigured(
        "The cache and the Celery broker must use separate Redis databases or servers in production: set CACHE_URL "
        "(e.g. redis://host:6379/1) and CELERY_BROKER_URL (e.g. redis://host:6379/0); REDIS_URL alone is for "
        "development."
    )
if not env("CERTIFICATE_SIGNING_KEY", default=""):
    raise ImproperlyConfigured(
        "CERTIFICATE_SIGNING_KEY is required in production (Ed25519 key that signs certificates; "
        "see docs/certificate-signing.md)."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
