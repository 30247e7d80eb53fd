"""Certificates (修了証), what verifiers looked up, organisations' invite codes, and the issuer shown on them.

Writes go through `certificates.services`; reads through the QuerySet methods here and `certificates.selectors`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .enums import CertificateSource, CertificateStatus, NameDisplay, RenderStatus, VerificationChannel


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(status=CertificateStatus.VALID)

    def reissued(self):
        return self.filter(status=CertificateStatus.REISSUED)

    def revoked(self):
        return self.filter(status=CertificateStatus.REVOKED)

    def for_holder(self, user):
        return self.filter(holder=user)


class Certificate(models.Model):
    """A certificate that one person completed the supporter course, as it was issued.

    The holder's name and furigana, the course title and the curriculum version are snapshots taken at issue time and
    covered by the Ed25519 signature; the PDF and the wallet card are rendered from them and can be rendered again at
    any time. One valid certificate per holder per course (database constraint); revoked ones stay for the record."""

    number = models.CharField(_("修了証番号"), max_length=32, unique=True, editable=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("修了者")
    )
    holder_name = models.CharField(_("氏名（発行時）"), max_length=100)
    holder_furigana = models.CharField(_("ふりがな（発行時）"), max_length=100, blank=True)
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("講座")
    )
    course_title = models.CharField(_("講座名（発行時）"), max_length=255)
    curriculum_version = models.CharField(_("カリキュラムの版"), max_length=20, blank=True)
    source = models.CharField(_("修了の方法"), max_length=20, choices=CertificateSource.choices)
    workshop = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("養成講座"),
    )
    issued_at = models.DateTimeField(_("発行日時"))
    status = models.CharField(
        _("状態"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)
    revoked_reason = models.CharField(_("失効の理由"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("失効させた職員"),
    )
    reissued_at = models.DateTimeField(_("再発行日時"), null=True, blank=True)
    reissued_as = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissued_from",
        verbose_name=_("再発行された修了証"),
    )
    key_id = models.CharField(_("署名鍵ID"), max_length=64)
    signature = models.CharField(_("署名"), max_length=128)
    name_display = models.CharField(
        _("確認ページでの氏名の表示"), max_length=10, choices=NameDisplay.choices, default=NameDisplay.FULL
    )
    # Rendering of the PDF and the wallet card (a Celery task; rendered again on demand when missing).
    render_status = models.CharField(
        _("PDFの作成状況"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING
    )
    render_error = models.CharField(_("PDF作成の失敗理由"), max_length=500, blank=True)
    rendered_at = models.DateTimeField(_("PDF作成日時"), null=True, blank=True)
    # Lease of a running render (lms/leases.py): a render still `running` this long after it started lost its worker.
    render_started_at = models.DateTimeField(_("PDF作成の開始日時"), null=True, blank=True)
    pdf_file = models.CharField(_("修了証PDFのファイル"), max_length=255, blank=True, editable=False)
    card_file = models.CharField(_("サポーターカードのファイル"), max_length=255, blank=True, editable=False)
    # The wallet card is rendered on demand (first download, or the low-priority sweep), not at issue time.
    card_status = models.CharField(
        _("サポーターカードの作成状況"),
        max_length=10,
        choices=RenderStatus.choices,
        default=RenderStatus.PENDING,
        db_default=RenderStatus.PENDING,
    )
    card_error = models.CharField(_("サポーターカード作成の失敗理由"), max_length=500, blank=True, db_default="")
    personal_data_erased_at = models.DateTimeField(_("個人情報の消去日時"), null=True, blank=True)
    # The "修了証を発行しました" e-mail: claimed before sending (a lease: a claim whose sender died is taken again after
    # NOTICE_LEASE_SECONDS), cleared if sending failed; `sent_at` set once the SMTP server took it (lms/leases.py).
    issued_notice_claimed_at = models.DateTimeField(_("発行のお知らせメールの送信開始日時"), null=True, blank=True)
    issued_notice_sent_at = models.DateTimeField(_("発行のお知らせメールの送信日時"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("修了証")
        verbose_name_plural = _("修了証")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "course"],
                condition=Q(status=CertificateStatus.VALID),
                name="certificates_one_valid_per_holder_course",
            ),
            models.CheckConstraint(
                condition=Q(status=CertificateStatus.VALID)
                | Q(status=CertificateStatus.REISSUED)
                | Q(revoked_at__isnull=False),
                name="certificates_revoked_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=CertificateStatus.REISSUED) | Q(reissued_at__isnull=False),
                name="certificates_reissued_has_time",
            ),
        ]
        permissions = [("revoke_certificate", _("修了証を失効させる"))]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    @property
    def is_revoked(self) -> bool:
        return self.status == CertificateStatus.REVOKED

    @property
    def is_reissued(self) -> bool:
        return self.status == CertificateStatus.REISSUED

    @property
    def shows_initials(self) -> bool:
        return self.name_display == NameDisplay.INITIALS

    @property
    def display_name(self) -> str:
        """The holder's name as they chose to show it to verifiers."""
        from .names import initials

        if self.name_display == NameDisplay.INITIALS:
            return initials(self.holder_name, self.holder_furigana)
        return self.holder_name


class CertificateVerification(models.Model):
    """Look-ups of a certificate by verifiers: when (to the minute), through which channel and how many. Never who (no
    IP, no user agent): the holder sees how many times and when their certificate was checked.

    Look-ups are counted in Redis and written here in batches (certificates/verifications.py): one row per
    certificate, channel and minute of a batch, with `count` look-ups. `batch` names the Redis batch a row came from,
    so a flush that is retried after it committed adds nothing (unique with the certificate, channel and minute);
    rows written directly (no Redis) have an empty batch."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="verifications")
    verified_at = models.DateTimeField(_("確認日時"), db_index=True)
    channel = models.CharField(_("確認の方法"), max_length=10, choices=VerificationChannel.choices)
    count = models.PositiveIntegerField(_("確認の回数"), default=1, db_default=1)
    batch = models.CharField(_("集計の単位"), max_length=40, blank=True, default="", db_default="", editable=False)

    class Meta:
        verbose_name = _("修了証の確認記録")
        verbose_name_plural = _("修了証の確認記録")
        ordering = ["-verified_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "certificate", "channel", "verified_at"],
                condition=~Q(batch=""),
                name="certificates_verification_once_per_batch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} @ {self.verified_at:%Y-%m-%d %H:%M} ×{self.count}"


class OrganisationInvite(models.Model):
    """The invite code an employer admin gives their staff; a member who enters it in マイページ links themselves to
    the organisation (and can unlink at any time). One current code per organisation; issuing a new one retires it."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="invite", verbose_name=_("団体")
    )
    code = models.CharField(_("招待コード"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("発行日時"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("団体の招待コード")
        verbose_name_plural = _("団体の招待コード")

    def __str__(self) -> str:
        return f"{self.organisation}"


@register_setting(icon="doc-full")
class CertificateIssuerSettings(BaseSiteSetting):
    """The issuer printed on every certificate and card, and shown on the verification page. Staff edit it in
    「設定 → 修了証の発行者」. A change applies to certificates rendered afterwards (the signature covers the holder,
    course, date and number, not the issuer's wording)."""

    issuer_name = models.CharField(
        _("発行者名"), max_length=120, default="つながりサポーター養成事業 事務局"
    )
    issuer_title = models.CharField(_("肩書き・部署"), max_length=120, blank=True)
    seal = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("印影またはロゴ"),
        help_text=_("PNG または JPEG。修了証の発行者名の横に印刷されます。"),
    )
    certificate_statement = models.CharField(
        _("修了証の本文"),
        max_length=300,
        default="あなたは孤独・孤立対策に関する養成講座を修了し、つながりサポーターとなったことを証します。",
    )

    panels = [FieldPanel("issuer_name"), FieldPanel("issuer_title"), FieldPanel("seal"), FieldPanel("certificate_statement")]

    class Meta:
        verbose_name = _("修了証の発行者")
