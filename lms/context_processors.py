from django.conf import settings


def site(request):
    """Values every base template needs."""
    return {"SITE_NAME": settings.WAGTAIL_SITE_NAME}
