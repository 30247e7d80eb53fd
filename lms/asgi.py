"""ASGI entry point (e.g. uvicorn lms.asgi:application). Production settings unless DJANGO_SETTINGS_MODULE says
otherwise, like lms/wsgi.py."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_asgi_application()
