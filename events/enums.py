from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkshopFormat(models.TextChoices):
    IN_PERSON = "in_person", _("会場")
    ONLINE = "online", _("オンライン")
    HYBRID = "hybrid", _("会場とオンライン")


class WorkshopStatus(models.TextChoices):
    """Whether the session takes place. Cancelling notifies everyone registered (events.services.cancel_workshop)."""

    PUBLISHED = "published", _("開催予定")
    CANCELLED = "cancelled", _("中止")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("参加確定")
    WAITLISTED = "waitlisted", _("キャンセル待ち")
    CANCELLED = "cancelled", _("取り消し")
    ATTENDED = "attended", _("出席")
    OFFERED = "offered", _("繰り上げ（本人の確認待ち）")


# A registration that still counts: the person is coming, waiting, or came.
ACTIVE_REGISTRATION_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.ATTENDED,
    RegistrationStatus.OFFERED,
)
# Registrations that take one of the workshop's seats (an offer holds its seat until its deadline).
SEAT_TAKING_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED, RegistrationStatus.OFFERED)


class RegistrationSource(models.TextChoices):
    ONLINE = "online", _("申し込み")
    WALK_IN = "walk_in", _("当日参加")


class CheckInMethod(models.TextChoices):
    """How attendance was taken. QR and CODE are confirmed by the person on their own phone; MANUAL is the trainer's
    tick of someone who registered themselves. WALK_IN is the old "added by e-mail address" record, never confirmed by
    the person: it is listed but never certified (see RegistrationQuerySet.certifiable)."""

    QR = "qr", _("QRコード")
    CODE = "code", _("当日参加コード")
    MANUAL = "manual", _("講師が確認")
    WALK_IN = "walk_in", _("講師が追加（本人未確認）")


class NoticeKind(models.TextChoices):
    """E-mails sent about one registration; each is sent at most once (RegistrationNotice is unique per kind)."""

    CONFIRMED = "confirmed", _("参加確定のお知らせ")
    WAITLISTED = "waitlisted", _("キャンセル待ちのお知らせ")
    PROMOTED = "promoted", _("繰り上げ参加確定のお知らせ")
    OFFERED = "offered", _("繰り上げのご案内（確認期限つき）")
    REMINDER = "reminder", _("前日のお知らせ")
    WORKSHOP_CANCELLED = "workshop_cancelled", _("中止のお知らせ")
    REGISTRATION_CANCELLED = "registration_cancelled", _("申し込み取り消しのお知らせ")


class ClosingStatus(models.TextChoices):
    """Issuing certificates to a workshop's attendees: pending → running → done, or failed with the reason."""

    PENDING = "pending", _("待機中")
    RUNNING = "running", _("発行中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


CLOSING_IN_PROGRESS = (ClosingStatus.PENDING, ClosingStatus.RUNNING)
