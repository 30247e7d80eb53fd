from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The project package itself: base templates, static files, health check, site-wide tasks."""

    name = "lms"
    verbose_name = "つながりサポーター"

    def ready(self):
        from lms import admin_japanese
        from lms.pagecache.handlers import connect

        admin_japanese.apply()
        connect()  # the page cache's purges (lms/pagecache)
