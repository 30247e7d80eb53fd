from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a search result is. The order here is the order of the filter buttons and, between results that match
    equally well, of the results themselves."""

    COURSE = "course", _("講座")
    CONSULTATION = "consultation", _("相談窓口")
    PAGE = "page", _("お知らせ・案内")
    CAMPAIGN = "campaign", _("キャンペーン")
    WORKSHOP = "workshop", _("講座・研修会")


KIND_ORDER = {kind.value: position for position, kind in enumerate(Kind)}
