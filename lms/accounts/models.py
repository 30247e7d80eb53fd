"""Users, learner profiles, organisations and staff roles.

Region scope for staff is decided in one place: `lms.accounts.scoping`."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.regions.models import Municipality, Prefecture

from .enums import AgeBand, OccupationField, OrganisationKind, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The e-mail address must be set")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account: learners, trainers, officers, editors. The e-mail address is the login."""

    username = None
    email = models.EmailField(_("メールアドレス"), unique=True)
    deleted_at = models.DateTimeField(_("退会日時"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.full_name if profile and profile.full_name else self.email

    def get_short_name(self) -> str:
        return self.get_full_name()


class Organisation(models.Model):
    """An employer or a training body (市区町村, 社会福祉協議会, NPO). Employers link staff to see who is certified."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("種別"), max_length=20, choices=OrganisationKind.choices)
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("所在都道府県")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("団体")
        verbose_name_plural = _("団体")

    def __str__(self) -> str:
        return self.name


class LearnerProfile(models.Model):
    """What a learner tells us at sign-up. Name and furigana go on the certificate; municipality, age band and
    occupation feed the regional reports (aggregated only) and stay when an account is deleted."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(_("氏名"), max_length=100)
    furigana = models.CharField(_("ふりがな"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="residents", verbose_name=_("お住まいの市区町村")
    )
    age_band = models.CharField(_("年代"), max_length=10, choices=AgeBand.choices)
    occupation = models.CharField(_("職業分野"), max_length=20, choices=OccupationField.choices, blank=True)
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_staff",
        verbose_name=_("所属団体（本人が連携した場合）"),
    )
    consent_terms_at = models.DateTimeField(_("利用規約・プライバシーポリシーへの同意日時"))
    consent_statistics = models.BooleanField(_("地域の統計（集計値のみ）に含めることに同意"), default=True)
    consent_employer_share = models.BooleanField(_("所属団体に修了状況を共有することに同意"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("受講者プロフィール")
        verbose_name_plural = _("受講者プロフィール")

    def __str__(self) -> str:
        return self.full_name or str(self.user_id)

    @property
    def prefecture(self) -> Prefecture:
        return self.municipality.prefecture


class RoleAssignmentQuerySet(models.QuerySet):
    def for_role(self, role: str):
        return self.filter(role=role)


class RoleAssignment(models.Model):
    """A staff role with its scope. A user may hold several (a trainer for two towns, say).

    - trainer: a prefecture or a municipality;
    - officer: a municipality, a prefecture, or the nation;
    - employer admin: an organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    is_national = models.BooleanField(_("全国"), default=False)
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("都道府県")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("市区町村")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("団体")
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("役割の割り当て")
        verbose_name_plural = _("役割の割り当て")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "is_national", "prefecture", "municipality", "organisation"],
                name="unique_role_assignment",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.scope_label}"

    @property
    def scope_label(self) -> str:
        if self.is_national:
            return "全国"
        if self.municipality_id:
            return self.municipality.full_name
        if self.prefecture_id:
            return self.prefecture.name
        if self.organisation_id:
            return self.organisation.name
        return "—"

    def clean(self):
        regional = [bool(self.is_national), bool(self.prefecture_id), bool(self.municipality_id)]
        if self.role == Role.EMPLOYER_ADMIN:
            if not self.organisation_id or any(regional):
                raise ValidationError(_("団体管理者には団体だけを指定してください。"))
            return
        if self.organisation_id and self.role != Role.TRAINER:
            raise ValidationError(_("団体を指定できるのは講師と団体管理者だけです。"))
        if sum(regional) != 1:
            raise ValidationError(_("全国・都道府県・市区町村のいずれか一つだけを指定してください。"))
        if self.role == Role.TRAINER and self.is_national:
            raise ValidationError(_("講師の担当地域は都道府県または市区町村で指定してください。"))
        if self.municipality_id and self.municipality.kind == "ward":
            raise ValidationError(_("政令指定都市の区ではなく、市を指定してください。"))
