"""Prefectures and municipalities with their official codes (総務省「全国地方公共団体コード」).

Codes are the primary keys, so a reload never changes what a learner, workshop or report points at. A municipality
that disappears from a newer list (a merger, 浜松市's 2024 ward reorganisation) is marked inactive, never deleted."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import SELECTABLE_KINDS, MunicipalityKind


class Prefecture(models.Model):
    """One of the 47 prefectures. `code` is the JIS X 0401 two-digit code ("01" 北海道 … "47" 沖縄県)."""

    code = models.CharField(_("都道府県コード"), max_length=2, primary_key=True)
    name = models.CharField(_("都道府県名"), max_length=10, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("都道府県")
        verbose_name_plural = _("都道府県")

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def selectable(self):
        """What a resident picks as their municipality: active, and a city rather than one of its wards."""
        return self.active().filter(kind__in=SELECTABLE_KINDS)

    def in_prefecture(self, prefecture_code: str):
        return self.filter(prefecture_id=prefecture_code)


class Municipality(models.Model):
    """A municipality (市区町村) or a ward of a designated city (whose `parent` is the city).

    `code` is the six-digit 全国地方公共団体コード including its check digit."""

    code = models.CharField(_("団体コード"), max_length=6, primary_key=True)
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField(_("市区町村名"), max_length=40)
    county = models.CharField(_("郡名"), max_length=20, blank=True)
    kind = models.CharField(_("種別"), max_length=20, choices=MunicipalityKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wards",
        verbose_name=_("所属する政令指定都市"),
    )
    is_active = models.BooleanField(_("現存"), default=True)
    first_listed_on = models.DateField(_("初めて掲載された一覧の日付"), null=True, blank=True)
    deactivated_on = models.DateField(_("一覧から消えた日付"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("市区町村")
        verbose_name_plural = _("市区町村")
        indexes = [models.Index(fields=["prefecture", "is_active", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """The name with its prefecture, as written on an address: 鳥取県鳥取市."""
        return f"{self.prefecture.name}{self.name}"

    @property
    def city(self) -> "Municipality":
        """The municipality that answers for this one: a ward's city, otherwise itself."""
        return self.parent if self.parent_id else self


class RegionListVersion(models.Model):
    """Each reference list loaded, with its date: reference lists age, and reports must say which one they use."""

    source = models.CharField(_("出典"), max_length=200)
    as_of = models.DateField(_("一覧の基準日"))
    loaded_at = models.DateTimeField(_("読み込み日時"), auto_now_add=True)
    prefecture_count = models.PositiveIntegerField(default=0)
    municipality_count = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(_("追加"), default=0)
    deactivated = models.PositiveIntegerField(_("失効"), default=0)
    reactivated = models.PositiveIntegerField(_("再有効化"), default=0)

    class Meta:
        ordering = ["-as_of", "-loaded_at"]
        get_latest_by = ["as_of", "loaded_at"]
        verbose_name = _("地域一覧の版")
        verbose_name_plural = _("地域一覧の版")

    def __str__(self) -> str:
        return f"{self.source} ({self.as_of:%Y-%m-%d})"
