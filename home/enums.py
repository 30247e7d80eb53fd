from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignPhase(models.TextChoices):
    """Where a campaign stands on a given day (Asia/Tokyo); decides the countdown, the banner and the archive."""

    UPCOMING = "upcoming", _("開催予定")
    RUNNING = "running", _("開催中")
    ENDED = "ended", _("終了")


class ContactCategory(models.TextChoices):
    """What a message to the operator is about (the お問い合わせ form)."""

    COURSE = "course", _("講座・修了証について")
    ACCOUNT = "account", _("アカウント・ログインについて")
    PERSONAL_DATA = "personal_data", _("個人情報の開示・訂正・利用停止・削除の請求")
    WORKSHOP = "workshop", _("講座・研修会について")
    OTHER = "other", _("その他")


class ContactStatus(models.TextChoices):
    NEW = "new", _("未対応")
    DONE = "done", _("対応済み")
