"""The site's URLs plus a bare view, the baseline for the verification page's throughput."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench-hello/", hello), path("", include("lms.urls"))]
