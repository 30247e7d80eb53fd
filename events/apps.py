from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "講座・研修会"
