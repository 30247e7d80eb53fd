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
if not env("REDIS_URL", default=""):
    raise ImproperlyConfigured("REDIS_URL is required in production (Celery broker and shared cache).")
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
