"""Workshops (養成講座): the listing page, one page per session, and the records of who registered, came and was
certified.

Writes go through `events.services`; reads through the QuerySet methods here and `events.selectors`."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from lms.accounts.enums import AgeBand, OccupationField
from lms.regions.models import Municipality

from . import messages
from .enums import (
    CLOSING_IN_PROGRESS,
    SEAT_TAKING_STATUSES,
    CheckInMethod,
    ClosingStatus,
    NoticeKind,
    RegistrationSource,
    RegistrationStatus,
    WorkshopFormat,
    WorkshopStatus,
)
from .forms import WorkshopPageForm
from .panels import ChangeRecipientsPanel

# Attendance (a check-in, a walk-in, a trainer's tick) is taken from this long before the start …
CHECK_IN_OPENS_BEFORE = dt.timedelta(minutes=30)
# … until this long after the end for people confirming themselves on their phone (QR code, walk-in code) …
CHECK_IN_CLOSES_AFTER = dt.timedelta(minutes=30)
# … and until this long after the end for the trainer's ticks (copied from the paper sheet after the session).
TICKS_CLOSE_AFTER = dt.timedelta(days=14)


class WorkshopIndexPage(RoutablePageMixin, Page):
    """/workshops/: every upcoming workshop, filterable by prefecture, municipality, month, format and keyword, with
    an iCal feed of the filtered list (/workshops/ical/). Editors write the introduction; the list is automatic."""

    intro = RichTextField(_("導入文"), blank=True, features=["bold", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.WorkshopPage"]
    max_count = 1

    class Meta:
        verbose_name = _("講座・研修会の一覧ページ")

    def get_admin_default_ordering(self):
        """The admin lists the most recently edited workshops first (there may be thousands)."""
        return "-latest_revision_created_at"

    @path("")
    def listing(self, request):
        from . import views

        return views.workshop_listing(request, self)

    @path("ical/", name="ical")
    def ical(self, request):
        from . import views

        return views.workshop_list_ical(request, self)


class WorkshopPageQuerySet(PageQuerySet):
    def published(self):
        """Live and not cancelled."""
        return self.live().filter(status=WorkshopStatus.PUBLISHED)

    def upcoming(self, now: dt.datetime | None = None):
        """Published workshops that have not ended yet."""
        return self.published().filter(ends_at__gt=now or timezone.now())

    def in_period(self, start: dt.date, end: dt.date):
        """Workshops starting on a day from `start` to `end` (inclusive, Asia/Tokyo)."""
        tz = timezone.get_current_timezone()
        since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return self.filter(starts_at__gte=since, starts_at__lt=until)


class WorkshopPage(RoutablePageMixin, Page):
    """One session of the supporter workshop (養成講座), in person, online or both.

    Trainers create and edit these in the admin only for the municipalities their role covers (see
    `permissions_for_user` and `events.forms.WorkshopPageForm`); editors see all. Learners register on the page;
    on the day, attendees check in with the trainer's rotating QR code; closing the workshop in the trainer console
    issues every attendee's certificate."""

    description = RichTextField(_("内容"), features=["bold", "italic", "link", "ol", "ul"])
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="workshops",
        verbose_name=_("開催する市区町村"),
        help_text=_("オンライン講座は、主催する市区町村を選んでください。"),
    )
    format = models.CharField(
        _("開催形式"), max_length=20, choices=WorkshopFormat.choices, default=WorkshopFormat.IN_PERSON
    )
    venue_name = models.CharField(_("会場名"), max_length=200, blank=True)
    venue_address = models.CharField(_("会場の住所"), max_length=300, blank=True)
    online_url = models.URLField(
        _("オンライン参加用URL"), blank=True, help_text=_("参加が確定した方にだけ表示し、メールでお知らせします。")
    )
    starts_at = models.DateTimeField(_("開始日時"), db_index=True)
    ends_at = models.DateTimeField(_("終了日時"))
    capacity = models.IntegerField(_("定員"), default=30)
    registration_opens_at = models.DateTimeField(
        _("申込開始"), null=True, blank=True, help_text=_("空欄のときは公開と同時に受け付けます。")
    )
    registration_closes_at = models.DateTimeField(
        _("申込締切"), null=True, blank=True, help_text=_("空欄のときは開始日時に締め切ります。")
    )
    audience = models.CharField(_("対象"), max_length=200, blank=True, help_text=_("例: どなたでも／市内在住・在勤の方"))
    organiser = models.CharField(_("主催"), max_length=200, help_text=_("例: 〇〇市、〇〇市社会福祉協議会"))
    trainer_name = models.CharField(_("講師"), max_length=200, blank=True)
    contact = models.CharField(_("問い合わせ先"), max_length=300, blank=True)
    is_campaign_event = models.BooleanField(
        _("孤独・孤立対策強化月間の取組"), default=False, help_text=_("5月の強化月間の取組として開催するときに選びます。")
    )
    cancellation_reason = models.CharField(
        _("中止の理由"), max_length=500, blank=True, help_text=_("中止のお知らせのメールと講座のページに載せます。")
    )
    status = models.CharField(
        _("開催状況"),
        max_length=20,
        choices=WorkshopStatus.choices,
        default=WorkshopStatus.PUBLISHED,
        help_text=_("中止にして公開すると、申し込んでいた方全員にメールでお知らせします。"),
    )

    objects = PageManager.from_queryset(WorkshopPageQuerySet)()
    base_form_class = WorkshopPageForm

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        MultiFieldPanel(
            [
                ChangeRecipientsPanel(),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("municipality"),
                FieldPanel("format"),
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("online_url"),
            ],
            heading=_("日時と場所"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
                FieldPanel("audience"),
            ],
            heading=_("定員と申し込み"),
        ),
        MultiFieldPanel(
            [FieldPanel("organiser"), FieldPanel("trainer_name"), FieldPanel("contact")], heading=_("主催と講師")
        ),
        FieldPanel("is_campaign_event"),
        FieldPanel("status"),
        FieldPanel("cancellation_reason"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("description"),
        index.SearchField("venue_name"),
        index.SearchField("organiser"),
        index.FilterField("starts_at"),
        index.FilterField("status"),
    ]

    parent_page_types = ["events.WorkshopIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("講座・研修会")
        verbose_name_plural = _("講座・研修会")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="events_workshop_capacity_positive"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="events_workshop_ends_after_start"),
        ]

    # --- rules about itself ------------------------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = messages.END_BEFORE_START
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = messages.CAPACITY_POSITIVE
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = messages.REGISTRATION_WINDOW_ORDER
        elif closes and self.ends_at and closes > self.ends_at:
            errors["registration_closes_at"] = messages.REGISTRATION_CLOSES_AFTER_END
        if self.format in (WorkshopFormat.IN_PERSON, WorkshopFormat.HYBRID):
            if not self.venue_name.strip():
                errors["venue_name"] = messages.VENUE_REQUIRED
            if not self.venue_address.strip():
                errors["venue_address"] = messages.VENUE_REQUIRED
        if self.format in (WorkshopFormat.ONLINE, WorkshopFormat.HYBRID) and not self.online_url:
            errors["online_url"] = messages.ONLINE_URL_REQUIRED
        if opens and self.starts_at and self.starts_at <= opens and "registration_closes_at" not in errors:
            errors["starts_at"] = messages.START_BEFORE_REGISTRATION_OPENS
        errors.update(self._change_errors())
        if errors:
            raise ValidationError(errors)

    def _change_errors(self) -> dict:
        """Rules about changing a workshop people registered for: never moved into the past; the capacity never
        below the seats already given (confirmed people are never silently put on the waitlist)."""
        if not self.pk:
            return {}
        stored = WorkshopPage.objects.filter(pk=self.pk).values("starts_at", "capacity", "status").first()
        if stored is None:
            return {}
        errors = {}
        becomes_cancelled = self.status == WorkshopStatus.CANCELLED and stored["status"] != WorkshopStatus.CANCELLED
        if becomes_cancelled and not (self.cancellation_reason or "").strip():
            errors["cancellation_reason"] = messages.CANCEL_REASON_REQUIRED
        if self.starts_at and self.starts_at != stored["starts_at"] and self.starts_at < timezone.now():
            errors["starts_at"] = messages.MOVED_INTO_THE_PAST
        if self.capacity is not None and self.capacity != stored["capacity"]:
            taken = Registration.objects.filter(workshop_id=self.pk, status__in=SEAT_TAKING_STATUSES).count()
            if self.capacity < taken:
                errors["capacity"] = messages.CAPACITY_BELOW_CONFIRMED % {"taken": taken, "over": taken - self.capacity}
        return errors

    @property
    def is_cancelled(self) -> bool:
        return self.status == WorkshopStatus.CANCELLED

    @property
    def registration_deadline(self) -> dt.datetime:
        return self.registration_closes_at or self.starts_at

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    def registration_is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        opened = self.registration_opens_at is None or now >= self.registration_opens_at
        return opened and now < self.registration_deadline and not self.has_ended(now) and not self.is_cancelled

    def attendance_is_open(self, now: dt.datetime | None = None, *, by_trainer: bool = False) -> bool:
        """The one rule for when attendance may be taken or changed: never on a cancelled workshop; from shortly
        before the start until a set time after the end (longer for the trainer's ticks than for self check-in)."""
        now = now or timezone.now()
        closes_after = TICKS_CLOSE_AFTER if by_trainer else CHECK_IN_CLOSES_AFTER
        return not self.is_cancelled and self.starts_at - CHECK_IN_OPENS_BEFORE <= now <= self.ends_at + closes_after

    def check_in_is_open(self, now: dt.datetime | None = None) -> bool:
        return self.attendance_is_open(now)

    @property
    def seats_left(self) -> int | None:
        """Free seats, when the queryset annotated `seats_taken` (events.selectors.with_seat_counts)."""
        taken = getattr(self, "seats_taken", None)
        return None if taken is None else max(0, self.capacity - taken)

    @property
    def has_venue(self) -> bool:
        return self.format in (WorkshopFormat.IN_PERSON, WorkshopFormat.HYBRID) and bool(self.venue_address)

    @property
    def is_online(self) -> bool:
        return self.format in (WorkshopFormat.ONLINE, WorkshopFormat.HYBRID)

    @property
    def map_url(self) -> str:
        """A map search for the venue (opens the visitor's map service; no map is embedded)."""
        if not self.venue_address:
            return ""
        return "https://www.google.com/maps/search/?api=1&query=" + quote(f"{self.venue_address} {self.venue_name}".strip())

    def permissions_for_user(self, user):
        from .permissions import WorkshopPermissionTester

        return WorkshopPermissionTester(user, self)

    # One path for trainers' workshops (docs/workshops.md): a workshop is its organiser's own event listing, so its
    # trainers publish it directly; the editors' moderation workflow (home/0005, assigned at the root) does not
    # apply, and the admin then offers 公開 only — never also 「承認を申請」.
    @property
    def has_workflow(self):
        return False

    def get_workflow(self):
        return None

    # --- routes ------------------------------------------------------------------------------------------------

    @path("")
    def detail(self, request):
        from . import views

        return views.workshop_detail(request, self)

    @path("register/", name="register")
    def register(self, request):
        from . import views

        return views.workshop_register(request, self)

    @path("cancel/", name="cancel")
    def cancel(self, request):
        from . import views

        return views.workshop_cancel_registration(request, self)

    @path("accept-offer/", name="accept_offer")
    def accept_offer(self, request):
        from . import views

        return views.workshop_accept_offer(request, self)

    @path("checkin/", name="checkin")
    def checkin(self, request):
        from . import views

        return views.workshop_check_in(request, self)

    @path("ical/", name="ical")
    def ical(self, request):
        from . import views

        return views.workshop_ical(request, self)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def seat_taking(self):
        return self.filter(status__in=SEAT_TAKING_STATUSES)

    def waitlisted(self):
        """In arrival order: the id is allocated while the workshop is locked, so it is the order of arrival."""
        return self.filter(status=RegistrationStatus.WAITLISTED).order_by("id")

    def attended(self):
        return self.filter(status=RegistrationStatus.ATTENDED)

    def certifiable(self):
        """Attendees closing may certify: everyone attended except the old trainer-added walk-ins, whom nobody
        confirmed (the trainer typed an e-mail address; the person never did anything)."""
        return self.attended().exclude(source=RegistrationSource.WALK_IN, check_in_method=CheckInMethod.WALK_IN)


class Registration(models.Model):
    """One person's place at a workshop: confirmed, on the waitlist, cancelled, or attended (with when and how they
    checked in, and the certificate issued for it). A cancelled registration stays for the record; registering again
    makes a new one (at the back of the queue)."""

    workshop = models.ForeignKey(
        WorkshopPage, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("講座")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_registrations", verbose_name=_("参加者")
    )
    status = models.CharField(_("状態"), max_length=20, choices=RegistrationStatus.choices)
    source = models.CharField(
        _("申し込みの方法"), max_length=20, choices=RegistrationSource.choices, default=RegistrationSource.ONLINE
    )
    registered_at = models.DateTimeField(_("申込日時"))
    confirmed_at = models.DateTimeField(_("参加確定日時"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取り消し日時"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("繰り上げの確認期限"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("出席確認日時"), null=True, blank=True)
    check_in_method = models.CharField(_("出席確認の方法"), max_length=20, choices=CheckInMethod.choices, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("出席を確認した講師"),
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修了証"),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("申し込み")
        verbose_name_plural = _("申し込み")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="events_one_active_registration_per_user",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status"], name="events_reg_workshop_status")]

    def __str__(self) -> str:
        return f"{self.workshop_id} / {self.user_id} / {self.status}"

    @property
    def is_confirmed(self) -> bool:
        """Has a seat for sure (confirmed, or already came); an offer not yet accepted is not."""
        return self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)

    @property
    def is_offered(self) -> bool:
        return self.status == RegistrationStatus.OFFERED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RegistrationStatus.WAITLISTED

    @property
    def is_attended(self) -> bool:
        return self.status == RegistrationStatus.ATTENDED

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED

    @property
    def is_unconfirmed_walk_in(self) -> bool:
        """An old walk-in the trainer added by e-mail address: never confirmed by the person, never certified."""
        return self.source == RegistrationSource.WALK_IN and self.check_in_method == CheckInMethod.WALK_IN


# The facts of a workshop whose change every confirmed and waitlisted person is told about.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "format", "venue_name", "venue_address", "online_url")


class WorkshopNotifiedState(models.Model):
    """What people registered were last told about a workshop (its date, time, place and online URL): a publish
    that differs from this records a WorkshopChange and tells them. Kept outside the page so a revision never
    restores it."""

    workshop = models.OneToOneField(WorkshopPage, on_delete=models.CASCADE, related_name="notified_state")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=20)
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(blank=True)

    class Meta:
        verbose_name = _("お知らせ済みの日時と場所")

    def __str__(self) -> str:
        return f"{self.workshop_id}: {self.starts_at:%Y-%m-%d %H:%M}"


class WorkshopChange(models.Model):
    """A published change of a workshop's date, time, place or online URL, with what changed (before → after, as
    shown in the e-mail) and who changed it. Everyone confirmed or waitlisted then is told once (WorkshopChangeNotice)."""

    workshop = models.ForeignKey(WorkshopPage, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(_("変更日時"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changes = models.JSONField(_("変更内容"), default=list)

    class Meta:
        verbose_name = _("講座の変更")
        verbose_name_plural = _("講座の変更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.workshop_id} / {self.changed_at:%Y-%m-%d %H:%M}"


class WorkshopChangeNotice(models.Model):
    """The change e-mail sent to one registration: claimed before sending (unique; `claimed_at`, a lease), marked
    `sent_at` once the SMTP server took it, released if sending fails (lms/leases.py)."""

    change = models.ForeignKey(WorkshopChange, on_delete=models.CASCADE, related_name="notices")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="change_notices")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["change", "registration"], name="events_one_change_notice")]

    def __str__(self) -> str:
        return f"{self.change_id} / {self.registration_id}"


class PaperParticipant(models.Model):
    """Someone who attended in person without an account or e-mail (often an older resident), recorded by the trainer
    from the paper sign-in sheet: counted in the workshop's numbers and, if they agreed on the sheet, in the regional
    figures (aggregated only, like everyone). They receive a printed 修了証 with a one-time claim code that attaches
    a certificate to an account if they sign up later. Deleted on request (`services.delete_paper_participant`)."""

    workshop = models.ForeignKey(WorkshopPage, on_delete=models.CASCADE, related_name="paper_participants")
    full_name = models.CharField(_("氏名"), max_length=100)
    furigana = models.CharField(_("ふりがな"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("お住まいの市区町村")
    )
    age_band = models.CharField(_("年代"), max_length=10, choices=AgeBand.choices)
    occupation = models.CharField(_("職業分野"), max_length=20, choices=OccupationField.choices, blank=True)
    consent_statistics = models.BooleanField(_("地域の統計に含めることに同意（用紙に記入）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("登録日時"))
    claim_code = models.CharField(_("受け取りコード"), max_length=14, unique=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(_("受け取り日時"), null=True, blank=True)
    certificate = models.ForeignKey(
        "certificates.Certificate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The printed 修了証 (events/paper_certificates.py): its own unguessable number and signature, so an employer can
    # verify it online from the day it is printed (/verify/paper/<number>/), claimed or not; revoked by the trainer.
    printed_number = models.CharField(_("印刷した修了証の番号"), max_length=32, unique=True, null=True, blank=True)
    printed_key_id = models.CharField(_("署名鍵ID"), max_length=64, blank=True, db_default="")
    printed_signature = models.CharField(_("署名"), max_length=128, blank=True, db_default="")
    printed_revoked_at = models.DateTimeField(_("印刷した修了証の取り消し日時"), null=True, blank=True)
    printed_revoked_reason = models.CharField(_("取り消しの理由"), max_length=500, blank=True, db_default="")
    printed_revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("紙の名簿で参加した方")
        verbose_name_plural = _("紙の名簿で参加した方")
        ordering = ["furigana", "id"]

    def __str__(self) -> str:
        return f"{self.workshop_id} / {self.pk}"

    @property
    def is_attended(self) -> bool:  # the sheet is the attendance record
        return True

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None

    @property
    def number(self) -> str:
        """The printed certificate's number (verifiable online, claimed or not); assigned when recorded."""
        return self.printed_number or ""

    @property
    def printed_is_revoked(self) -> bool:
        return self.printed_revoked_at is not None


class WalkInCode(models.Model):
    """A one-time code the trainer reads out to one walk-in, who types it at /c/ on their own phone (signed in):
    that records their own attendance. Six digits, one use, a short life; the trainer never sees who used it
    before they do, and nothing about any account is shown to the trainer at issue time."""

    workshop = models.ForeignKey(WorkshopPage, on_delete=models.CASCADE, related_name="walk_in_codes")
    code = models.CharField(_("コード"), max_length=6, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("発行日時"))
    expires_at = models.DateTimeField(_("有効期限"))
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(_("使用日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("当日参加コード")
        verbose_name_plural = _("当日参加コード")

    def __str__(self) -> str:
        return f"{self.workshop_id} / {self.created_at:%Y-%m-%d %H:%M}"


class RegistrationNotice(models.Model):
    """An e-mail about a registration. Unique per kind, so a retried or repeated task sends each notice once: the row
    is claimed before sending (`claimed_at`, a lease: a claim whose sender died is taken again after
    NOTICE_LEASE_SECONDS), marked `sent_at` once the SMTP server took it, and released if sending fails
    (lms/leases.py)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("種類"), max_length=30, choices=NoticeKind.choices)
    claimed_at = models.DateTimeField(_("送信を始めた日時"), default=timezone.now)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("送信したお知らせ")
        verbose_name_plural = _("送信したお知らせ")
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="events_one_notice_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} / {self.kind}"


class WorkshopClosing(models.Model):
    """Issuing course completion and certificates to a workshop's attendees (a Celery task): the status row the
    trainer console shows as progress. Running it again issues only what is missing."""

    workshop = models.OneToOneField(
        WorkshopPage, on_delete=models.CASCADE, related_name="closing", verbose_name=_("講座")
    )
    status = models.CharField(_("状態"), max_length=10, choices=ClosingStatus.choices, default=ClosingStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("依頼日時"))
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    total = models.PositiveIntegerField(_("対象者数"), default=0)
    processed = models.PositiveIntegerField(_("処理済み"), default=0)
    issued = models.PositiveIntegerField(_("新たに発行"), default=0)
    already_certified = models.PositiveIntegerField(_("発行済みだった人"), default=0)
    failed = models.PositiveIntegerField(_("失敗"), default=0)
    error = models.CharField(_("失敗の理由"), max_length=500, blank=True)
    runs = models.PositiveIntegerField(_("実行回数"), default=0)
    # Lease (issue 15): the running worker stamps this after every attendee; a run whose stamp is older than
    # settings.WORK_LEASE_SECONDS lost its worker and is taken over, resuming after `resume_after`.
    heartbeat_at = models.DateTimeField(_("最終応答日時"), null=True, blank=True)
    resume_after = models.PositiveBigIntegerField(_("処理済みの最後の申込ID"), default=0)

    class Meta:
        verbose_name = _("修了証の一括発行")
        verbose_name_plural = _("修了証の一括発行")

    def __str__(self) -> str:
        return f"{self.workshop_id}: {self.status}"

    @property
    def in_progress(self) -> bool:
        return self.status in CLOSING_IN_PROGRESS

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, 100 * self.processed // self.total)

    @property
    def interrupted(self) -> bool:
        """Running, but its worker stopped answering (lease expired): the sweep resumes it, the trainer may too."""
        from lms.leases import lease_expired

        return self.status == ClosingStatus.RUNNING and lease_expired(self.heartbeat_at or self.started_at)

    @property
    def status_label(self) -> str:
        return str(messages.CLOSING_INTERRUPTED) if self.interrupted else self.get_status_display()
