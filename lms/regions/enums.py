from django.db import models
from django.utils.translation import gettext_lazy as _


class MunicipalityKind(models.TextChoices):
    DESIGNATED_CITY = "designated_city", _("政令指定都市")
    WARD = "ward", _("政令指定都市の区")
    SPECIAL_WARD = "special_ward", _("特別区")
    CITY = "city", _("市")
    TOWN = "town", _("町")
    VILLAGE = "village", _("村")


# Kinds a resident chooses as "their" municipality: wards belong to their city.
SELECTABLE_KINDS = [
    MunicipalityKind.DESIGNATED_CITY,
    MunicipalityKind.SPECIAL_WARD,
    MunicipalityKind.CITY,
    MunicipalityKind.TOWN,
    MunicipalityKind.VILLAGE,
]
