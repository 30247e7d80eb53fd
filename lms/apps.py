from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The project package itself: base templates, static files, health check, site-wide tasks."""

    name = "lms"
    verbose_name = "つながりサポーター"

    def ready(self):
        from lms import admin_japanese

        admin_japanese.apply()
