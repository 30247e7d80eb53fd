from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The project package itself: base templates, static files, health check, site-wide tasks."""

    name = "lms"
    verbose_name = "つながりサポーター"

    def ready(self):
        from lms import admin_japanese

        admin_japanese.apply()

        from lms.moderation import connect_notices_after_commit

        connect_notices_after_commit()

        from lms.pagecache.handlers import connect

        connect()  # the page cache's purges (lms/pagecache)
