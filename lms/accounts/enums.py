from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    UNDER_20 = "u20", _("19歳以下")
    AGE_20S = "20s", _("20代")
    AGE_30S = "30s", _("30代")
    AGE_40S = "40s", _("40代")
    AGE_50S = "50s", _("50代")
    AGE_60S = "60s", _("60代")
    AGE_70S = "70s", _("70代")
    OVER_80 = "80plus", _("80歳以上")


class OccupationField(models.TextChoices):
    MEDICAL_WELFARE = "medical_welfare", _("医療・福祉")
    EDUCATION = "education", _("教育")
    BUSINESS = "business", _("企業")
    GOVERNMENT = "government", _("行政")
    STUDENT = "student", _("学生")
    OTHER = "other", _("その他")


class Role(models.TextChoices):
    TRAINER = "trainer", _("講師（養成講座の実施者）")
    OFFICER = "officer", _("地域担当者（都道府県・市区町村・国）")
    EMPLOYER_ADMIN = "employer_admin", _("団体管理者（企業・団体）")


class OrganisationKind(models.TextChoices):
    EMPLOYER = "employer", _("企業・団体（雇用主）")
    MUNICIPALITY = "municipality", _("地方公共団体")
    SOCIAL_WELFARE_COUNCIL = "shakyo", _("社会福祉協議会")
    NPO = "npo", _("NPO・市民団体")
    OTHER = "other", _("その他")


# Wagtail's groups of the site's editors and moderators (renamed from Wagtail's 「Editors」 / 「Moderators」 by
# migration lms.0002; look them up by these names).
EDITOR_GROUP = "編集者"
MODERATOR_GROUP = "モデレーター"

# Wagtail groups that staff roles put a user in (created by migration 0002).
ROLE_GROUPS = {
    Role.TRAINER: "講師",
    Role.OFFICER: "地域担当者",
}
