from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "サイト内検索"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import signal_handlers

        autodiscover_modules("search_documents")
        signal_handlers.connect()
