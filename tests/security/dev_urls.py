"""The project's URLs plus the /media/ route that lms/urls.py adds when DEBUG is on (tests run with DEBUG off)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from lms.urls import urlpatterns as project_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *project_urlpatterns]
