from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "lms.outbox"
    label = "outbox"
    verbose_name = "送信待ちの処理"
