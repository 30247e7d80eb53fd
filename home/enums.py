from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignPhase(models.TextChoices):
    """Where a campaign stands on a given day (Asia/Tokyo); decides the countdown, the banner and the archive."""

    UPCOMING = "upcoming", _("開催予定")
    RUNNING = "running", _("開催中")
    ENDED = "ended", _("終了")
