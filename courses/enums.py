from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a learner completed (or is taking) the course: the eight modules online, or a workshop (養成講座)."""

    ONLINE = "online", _("オンライン")
    WORKSHOP = "workshop", _("養成講座")
