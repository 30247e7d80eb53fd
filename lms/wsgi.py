"""WSGI entry point (gunicorn lms.wsgi). Production settings unless DJANGO_SETTINGS_MODULE says otherwise: a server
started without configuration must fail loudly on a missing secret, never run with development defaults. Development
is chosen explicitly (manage.py, the make targets)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()
