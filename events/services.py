"""Domain rules of workshops: registering (capacity, waitlist, window), cancelling, checking in, attendance, walk-ins,
cancelling a workshop, and closing it (course completion and a certificate for every attendee).

Everything that changes a registration goes through these functions; page routes, the trainer console, Wagtail
hooks, signal receivers and Celery tasks call them.

Concurrency: every change to who holds a seat runs while the workshop is locked (`_lock_workshop`), so capacity is
never exceeded and the waitlist keeps its order (a registration's id is allocated under the lock, so ids are the
order of arrival)."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format

from lms.leases import claim_notice, mark_notice_sent, release_notice

from . import messages
from .enums import (
    SEAT_TAKING_STATUSES,
    CheckInMethod,
    ClosingStatus,
    NoticeKind,
    RegistrationSource,
    RegistrationStatus,
    WorkshopStatus,
)
from .models import (
    Registration,
    RegistrationNotice,
    WalkInCode,
    WorkshopClosing,
    WorkshopIndexPage,
    WorkshopPage,
)

logger = logging.getLogger(__name__)


class WorkshopError(Exception):
    """A request that is refused and changes nothing; `message` is shown to the person."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- Locking ------------------------------------------------------------------------------------------------------


def _lock_workshop(workshop_id: int) -> WorkshopPage:
    """Lock one workshop for the rest of the transaction and return it as stored now.

    PostgreSQL: SELECT … FOR UPDATE on the workshop's own row. SQLite has no row locks: a no-op UPDATE takes the
    database write lock at once (a read first would fail on the read-to-write upgrade under contention), and the
    busy timeout queues the others behind it. Must be the first statement of its transaction on SQLite."""
    queryset = WorkshopPage.objects.filter(pk=workshop_id)
    if connection.features.has_select_for_update:
        return queryset.select_for_update(of=("self",)).get()
    queryset.update(capacity=F("capacity"))
    return queryset.get()


def _seats_taken(workshop_id: int) -> int:
    return Registration.objects.filter(workshop_id=workshop_id, status__in=SEAT_TAKING_STATUSES).count()


# --- Workshops ---------------------------------------------------------------------------------------------------


def get_workshop_index() -> WorkshopIndexPage:
    index = WorkshopIndexPage.objects.order_by("path").first()
    if index is None:
        raise WorkshopError(messages.WORKSHOP_NOT_AVAILABLE)
    return index


@transaction.atomic
def create_workshop(*, by=None, publish: bool = True, index: WorkshopIndexPage | None = None, **fields) -> WorkshopPage:
    """Create a workshop page under the listing (for seeding and imports; trainers use the admin), validated by the
    page's own rules (end after start, capacity ≥ 1, venue or URL), and publish it."""
    index = index or get_workshop_index()
    workshop = WorkshopPage(**fields)
    if not publish:
        workshop.live = False
        workshop.has_unpublished_changes = True
    index.add_child(instance=workshop)  # Page.save() runs full_clean(): the page's own rules apply
    revision = workshop.save_revision(user=by, log_action=True)
    if publish:
        revision.publish(user=by)
        workshop.refresh_from_db()
    return workshop


# --- Registering --------------------------------------------------------------------------------------------------


def _refuse_unless_open(workshop: WorkshopPage, now: dt.datetime) -> None:
    if not workshop.live:
        raise WorkshopError(messages.WORKSHOP_NOT_AVAILABLE)
    if workshop.is_cancelled:
        raise WorkshopError(messages.WORKSHOP_CANCELLED)
    if workshop.has_ended(now):
        raise WorkshopError(messages.WORKSHOP_ENDED)
    if workshop.registration_opens_at and now < workshop.registration_opens_at:
        opens = date_format(timezone.localtime(workshop.registration_opens_at), "Y年n月j日 H:i")
        raise WorkshopError(messages.REGISTRATION_NOT_OPEN % {"opens": opens})
    if now >= workshop.registration_deadline:
        raise WorkshopError(messages.REGISTRATION_CLOSED)


def register_for_workshop(*, workshop: WorkshopPage, user) -> Registration:
    """Register a signed-in learner: a seat if one is free, else the back of the waitlist.

    Refused (WorkshopError, nothing saved): not signed in, no profile, a workshop that is unpublished, cancelled,
    over, not yet or no longer taking registrations, or a second registration by the same person. The confirmation
    (or waitlist) e-mail is sent after commit."""
    if user is None or not user.is_authenticated:
        raise WorkshopError(messages.LOGIN_TO_REGISTER)
    if not hasattr(user, "profile"):
        raise WorkshopError(messages.PROFILE_REQUIRED)
    now = timezone.now()
    _refuse_unless_open(workshop, now)
    try:
        with transaction.atomic():
            locked = _lock_workshop(workshop.pk)
            _refuse_unless_open(locked, now)  # it may have been cancelled meanwhile
            if Registration.objects.active().filter(workshop_id=locked.pk, user=user).exists():
                raise WorkshopError(messages.ALREADY_REGISTERED)
            has_seat = _seats_taken(locked.pk) < locked.capacity
            arrived = timezone.now()  # under the lock: registration times are in the order places were given
            registration = Registration(
                workshop=locked,
                user=user,
                status=RegistrationStatus.CONFIRMED if has_seat else RegistrationStatus.WAITLISTED,
                source=RegistrationSource.ONLINE,
                registered_at=arrived,
                confirmed_at=arrived if has_seat else None,
            )
            registration.full_clean(exclude=["workshop", "user", "checked_in_by", "certificate"], validate_constraints=False)
            try:
                with transaction.atomic():
                    registration.save()
            except IntegrityError as exc:  # the same person, twice at once (double click, two tabs)
                raise WorkshopError(messages.ALREADY_REGISTERED) from exc
            _queue_notice(registration.pk, NoticeKind.CONFIRMED if has_seat else NoticeKind.WAITLISTED)
    except OperationalError as exc:  # SQLite: the write lock was not free within the busy timeout
        logger.warning("Registration for workshop %s could not take its lock: %s", workshop.pk, exc)
        raise WorkshopError(messages.BUSY) from exc
    return registration


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting, … ; None when not on the waitlist."""
    if not registration.is_waitlisted:
        return None
    return Registration.objects.waitlisted().filter(workshop_id=registration.workshop_id, id__lte=registration.pk).count()


def cancel_registration(*, registration: Registration, user) -> Registration:
    """The learner cancels their own registration and is told by e-mail (once, through the outbox, with an .ics that
    removes the event from their calendar); a freed seat goes to the first person on the waitlist (who is told by
    e-mail). Cancelling twice changes nothing."""
    if registration.user_id != user.pk:
        raise WorkshopError(messages.NOT_REGISTERED)
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = _lock_workshop(registration.workshop_id)
            current = Registration.objects.get(pk=registration.pk)
            if current.is_cancelled:
                return current
            if current.is_attended:
                raise WorkshopError(messages.CANNOT_CANCEL_ATTENDED)
            if locked.has_ended(now):
                raise WorkshopError(messages.CANNOT_CANCEL_ENDED)
            current.status = RegistrationStatus.CANCELLED
            current.cancelled_at = now
            current.save(update_fields=["status", "cancelled_at"])
            _queue_notice(current.pk, NoticeKind.REGISTRATION_CANCELLED)
            _promote_waitlist(locked, now)
    except OperationalError as exc:
        logger.warning("Cancellation for workshop %s could not take its lock: %s", registration.workshop_id, exc)
        raise WorkshopError(messages.BUSY) from exc
    return current


# Near the start a freed seat is an offer the person confirms, so nobody is booked the night before unknowingly.
OFFER_WITHIN = dt.timedelta(hours=24)  # a promotion this close to the start is an offer …
OFFER_CONFIRM_WITHIN = dt.timedelta(hours=3)  # … to confirm within this long (never after the start)


def _expire_offers(workshop: WorkshopPage, now: dt.datetime) -> int:
    """Offers past their deadline lapse (the registration is cancelled); call with the workshop locked."""
    return Registration.objects.filter(
        workshop_id=workshop.pk, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
    ).update(status=RegistrationStatus.CANCELLED, cancelled_at=now)


def _promote_waitlist(workshop: WorkshopPage, now: dt.datetime) -> list[Registration]:
    """Give free seats to the waitlist in arrival order (call with the workshop locked). Within OFFER_WITHIN of the
    start, a seat is offered (the person confirms by the deadline, else it passes to the next)."""
    if workshop.is_cancelled or workshop.has_ended(now):
        return []
    _expire_offers(workshop, now)
    free = workshop.capacity - _seats_taken(workshop.pk)
    if free <= 0:
        return []
    promoted = list(Registration.objects.waitlisted().filter(workshop_id=workshop.pk)[:free])
    # Before the start and within OFFER_WITHIN of it: an offer. Once the session is on, the person waiting is
    # confirmed at once (an offer's deadline would already have passed; they may well be in the room).
    as_offer = now < workshop.starts_at and workshop.starts_at - now <= OFFER_WITHIN
    for registration in promoted:
        if as_offer:
            registration.status = RegistrationStatus.OFFERED
            registration.offer_expires_at = min(now + OFFER_CONFIRM_WITHIN, workshop.starts_at)
            registration.save(update_fields=["status", "offer_expires_at"])
            _queue_notice(registration.pk, NoticeKind.OFFERED)
            continue
        registration.status = RegistrationStatus.CONFIRMED
        # Stamped here, under the lock (not the caller's `now`, taken before it): stamps follow promotion order.
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at"])
        _queue_notice(registration.pk, NoticeKind.PROMOTED)
    return promoted


def accept_offer(*, registration: Registration, user) -> Registration:
    """The person confirms the seat offered to them before its deadline: confirmed (with the usual e-mail)."""
    if registration.user_id != user.pk:
        raise WorkshopError(messages.OFFER_NOT_FOUND)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_workshop(registration.workshop_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.is_confirmed:
            return current
        if not current.is_offered:
            raise WorkshopError(messages.OFFER_NOT_FOUND)
        expired = current.offer_expires_at <= now
        if expired:
            _promote_waitlist(locked, now)  # lapses it and offers the seat to the next person (committed)
        else:
            current.status = RegistrationStatus.CONFIRMED
            current.confirmed_at = now
            current.save(update_fields=["status", "confirmed_at"])
            _queue_notice(current.pk, NoticeKind.PROMOTED)
    if expired:
        raise WorkshopError(messages.OFFER_EXPIRED)
    return current


def expire_waitlist_offers(*, now: dt.datetime | None = None) -> int:
    """Every few minutes (beat): offers past their deadline lapse and their seats go to the next person waiting."""
    now = now or timezone.now()
    workshop_ids = list(
        Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("workshop_id", flat=True)
        .distinct()
    )
    for workshop_id in workshop_ids:
        with transaction.atomic():
            _promote_waitlist(_lock_workshop(workshop_id), now)
    return len(workshop_ids)


def promote_waitlist(*, workshop: WorkshopPage) -> list[Registration]:
    """Fill seats that became free other than by a cancellation (the capacity was raised)."""
    with transaction.atomic():
        locked = _lock_workshop(workshop.pk)
        return _promote_waitlist(locked, timezone.now())


# --- Check-in -----------------------------------------------------------------------------------------------------

CHECKIN_SALT = "events.checkin"
CHECKIN_ROTATE_SECONDS = 30  # the QR code on the screen changes this often
CHECKIN_VALID_SLOTS = 2  # a code is accepted in its own slot and the next one: 30–60 seconds
# A valid code scanned before signing in stays good this long for that browser: logging in takes longer than a code
# lives.
CHECKIN_LOGIN_GRACE = dt.timedelta(minutes=10)
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_SIGNATURE_CHARS = 12  # 72 bits of HMAC-SHA256: a forgery would need ~2^71 guesses within one minute


def checkin_slot(now: dt.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // CHECKIN_ROTATE_SECONDS


def _b36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _B36[digit] + digits
        if not number:
            return digits


def _checkin_signature(value: str) -> str:
    digest = salted_hmac(CHECKIN_SALT, value, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:_SIGNATURE_CHARS]


def make_checkin_token(*, workshop: WorkshopPage, now: dt.datetime | None = None) -> str:
    """The short ASCII code the screen shows, `<workshop id>.<time slot>.<signature>` (ids in base 36): the whole
    check-in URL `/c/<token>/` stays around 50 characters, a QR code of version 4–5 readable across a hall."""
    value = f"{_b36(workshop.pk)}.{_b36(checkin_slot(now))}"
    return f"{value}.{_checkin_signature(value)}"


def checkin_token_expires_at(now: dt.datetime | None = None) -> dt.datetime:
    slot = checkin_slot(now)
    return dt.datetime.fromtimestamp((slot + 1) * CHECKIN_ROTATE_SECONDS, tz=dt.UTC)


def _parse_checkin_token(token: str) -> tuple[int, int]:
    """(workshop id, slot) of a genuine token; WorkshopError otherwise."""
    try:
        workshop_part, slot_part, signature = (token or "").split(".")
        if len(workshop_part) > 12 or len(slot_part) > 12:
            raise ValueError
        workshop_id, slot = int(workshop_part, 36), int(slot_part, 36)
    except ValueError as exc:
        raise WorkshopError(messages.CHECKIN_CODE_INVALID) from exc
    if not constant_time_compare(signature, _checkin_signature(f"{workshop_part}.{slot_part}")):
        raise WorkshopError(messages.CHECKIN_CODE_INVALID)
    return workshop_id, slot


def workshop_for_checkin_token(token: str) -> WorkshopPage | None:
    """The workshop a genuine token (even an expired one) names, for the short URL /c/<token>/."""
    try:
        workshop_id, _slot = _parse_checkin_token(token)
    except WorkshopError:
        return None
    return WorkshopPage.objects.live().filter(pk=workshop_id).first()


def _read_checkin_token(*, workshop: WorkshopPage, token: str, now: dt.datetime) -> None:
    workshop_id, slot = _parse_checkin_token(token)
    if workshop_id != workshop.pk:
        raise WorkshopError(messages.CHECKIN_CODE_INVALID)
    age = checkin_slot(now) - slot
    if age < 0 or age >= CHECKIN_VALID_SLOTS:
        raise WorkshopError(messages.CHECKIN_CODE_EXPIRED)


def checkin_token_is_valid(*, workshop: WorkshopPage, token: str, now: dt.datetime | None = None) -> bool:
    try:
        _read_checkin_token(workshop=workshop, token=token, now=now or timezone.now())
    except WorkshopError:
        return False
    return True


class NotRegisteredForCheckIn(WorkshopError):
    """The person scanned a genuine code in the window but holds no seat: they may confirm themselves as a walk-in."""

    def __init__(self):
        super().__init__(messages.CHECKIN_NOT_REGISTERED)


def _check_scanned_code(*, workshop: WorkshopPage, user, token: str, scanned_at: dt.datetime | None, now) -> None:
    if user is None or not user.is_authenticated:
        raise WorkshopError(messages.LOGIN_TO_CHECK_IN)
    try:
        _read_checkin_token(workshop=workshop, token=token, now=now)
    except WorkshopError:
        if scanned_at is None or scanned_at > now or now - scanned_at > CHECKIN_LOGIN_GRACE:
            raise
    if not workshop.live or not workshop.attendance_is_open(now):
        raise WorkshopError(messages.CHECKIN_OUTSIDE_WINDOW)


def check_in(
    *, workshop: WorkshopPage, user, token: str, scanned_at: dt.datetime | None = None
) -> tuple[Registration, bool]:
    """An attendee scans the screen's QR code: marks them present. Returns (registration, newly checked in).

    Refused: a forged, other workshop's or expired code; outside the attendance window or on a cancelled workshop;
    someone without a confirmed registration (NotRegisteredForCheckIn: the view offers them to confirm themselves as
    a walk-in, `check_in_as_walk_in`). Checking in twice changes nothing. `scanned_at` is when this person's browser
    presented a valid code before signing in (kept by the view for a few minutes): it stands in for a code that
    expired while they logged in."""
    now = timezone.now()
    _check_scanned_code(workshop=workshop, user=user, token=token, scanned_at=scanned_at, now=now)
    registration = Registration.objects.active().filter(workshop_id=workshop.pk, user=user).first()
    if registration is None or not registration.is_confirmed:  # waitlisted, or an offer not yet accepted
        raise NotRegisteredForCheckIn()
    if registration.is_attended:
        return registration, False
    # One conditional UPDATE: two scans at once record one check-in.
    updated = Registration.objects.filter(pk=registration.pk, status=RegistrationStatus.CONFIRMED).update(
        status=RegistrationStatus.ATTENDED, checked_in_at=now, check_in_method=CheckInMethod.QR
    )
    registration.refresh_from_db()
    return registration, updated == 1


def _record_walk_in(*, workshop: WorkshopPage, user, method: CheckInMethod, now: dt.datetime) -> Registration:
    """The person, signed in on their own phone, confirms they are here (call within a transaction). A waitlisted
    registration becomes attended; someone with no registration gets a walk-in registration. Idempotent."""
    if not hasattr(user, "profile"):
        raise WorkshopError(messages.PROFILE_REQUIRED)
    locked = _lock_workshop(workshop.pk)
    if not locked.live or not locked.attendance_is_open(now):
        raise WorkshopError(messages.CHECKIN_OUTSIDE_WINDOW)
    existing = Registration.objects.active().filter(workshop_id=locked.pk, user=user).first()
    if existing is not None:
        if not existing.is_attended:
            existing.status = RegistrationStatus.ATTENDED
            existing.checked_in_at = now
            existing.check_in_method = method
            existing.confirmed_at = existing.confirmed_at or now
            existing.save(update_fields=["status", "checked_in_at", "check_in_method", "confirmed_at"])
        return existing
    registration = Registration(
        workshop=locked,
        user=user,
        status=RegistrationStatus.ATTENDED,
        source=RegistrationSource.WALK_IN,
        registered_at=now,
        confirmed_at=now,
        checked_in_at=now,
        check_in_method=method,
    )
    registration.full_clean(exclude=["workshop", "user", "checked_in_by", "certificate"], validate_constraints=False)
    registration.save()
    return registration


@transaction.atomic
def check_in_as_walk_in(*, workshop: WorkshopPage, user, token: str, scanned_at: dt.datetime | None = None) -> Registration:
    """Someone without a seat scanned the QR code and pressed 「当日参加として出席する」: their own attendance."""
    now = timezone.now()
    _check_scanned_code(workshop=workshop, user=user, token=token, scanned_at=scanned_at, now=now)
    return _record_walk_in(workshop=workshop, user=user, method=CheckInMethod.QR, now=now)


WALK_IN_CODE_LIFETIME = dt.timedelta(minutes=15)


@transaction.atomic
def issue_walk_in_code(*, workshop: WorkshopPage, by) -> WalkInCode:
    """A six-digit one-time code for one walk-in who cannot scan the QR code; the trainer reads it out. Only while
    attendance is open; unique among the codes still usable anywhere."""
    now = timezone.now()
    if workshop.is_cancelled:
        raise WorkshopError(messages.ATTENDANCE_WORKSHOP_CANCELLED)
    if not workshop.attendance_is_open(now):
        raise WorkshopError(messages.CHECKIN_OUTSIDE_WINDOW)
    usable = WalkInCode.objects.filter(used_at__isnull=True, expires_at__gt=now)
    for _attempt in range(20):
        code = f"{secrets.randbelow(1_000_000):06d}"
        if not usable.filter(code=code).exists():
            break
    return WalkInCode.objects.create(
        workshop=workshop, code=code, created_by=by, created_at=now, expires_at=now + WALK_IN_CODE_LIFETIME
    )


@transaction.atomic
def redeem_walk_in_code(*, code: str, user) -> Registration:
    """The walk-in types the trainer's code at /c/ on their own phone: their attendance, once. An unknown, used or
    expired code gets one message (it says nothing about which)."""
    if user is None or not user.is_authenticated:
        raise WorkshopError(messages.LOGIN_TO_ENTER_CODE)
    code = (code or "").strip()
    now = timezone.now()
    candidate = (
        WalkInCode.objects.filter(code=code, used_at__isnull=True, expires_at__gt=now).select_related("workshop").first()
        if code.isdigit() and len(code) == 6
        else None
    )
    if candidate is None:
        raise WorkshopError(messages.WALK_IN_CODE_INVALID)
    registration = _record_walk_in(workshop=candidate.workshop, user=user, method=CheckInMethod.CODE, now=now)
    # One conditional UPDATE: the same code typed on two phones at once is used once (the other rolls back).
    if not WalkInCode.objects.filter(pk=candidate.pk, used_at__isnull=True).update(used_at=now, used_by=user):
        raise WorkshopError(messages.WALK_IN_CODE_INVALID)
    return registration


def active_walk_in_codes(workshop: WorkshopPage) -> list[WalkInCode]:
    now = timezone.now()
    return list(WalkInCode.objects.filter(workshop_id=workshop.pk, used_at__isnull=True, expires_at__gt=now).order_by("-id"))


# --- Trainer console ----------------------------------------------------------------------------------------------


def _workshop_is_closed(workshop_id: int) -> bool:
    return WorkshopClosing.objects.filter(workshop_id=workshop_id).exclude(status=ClosingStatus.FAILED).exists()


@transaction.atomic
def set_attendance(*, registration: Registration, attended: bool, by) -> Registration:
    """A trainer ticks (or unticks) someone who registered themselves. A waitlisted person who came anyway becomes an
    attendee. Only while attendance is open (from 30 minutes before the start to 14 days after the end) and never on
    a cancelled workshop; a tick can be undone until the workshop is closed (or their certificate issued)."""
    current = Registration.objects.select_for_update(of=("self",)).select_related("workshop").get(pk=registration.pk)
    now = timezone.now()
    if current.is_cancelled:
        raise WorkshopError(messages.ATTENDANCE_CANCELLED_REGISTRATION)
    if current.workshop.is_cancelled:
        raise WorkshopError(messages.ATTENDANCE_WORKSHOP_CANCELLED)
    if attended == current.is_attended:
        return current
    if not current.workshop.attendance_is_open(now, by_trainer=True):
        raise WorkshopError(messages.ATTENDANCE_OUTSIDE_WINDOW)
    if attended:
        current.status = RegistrationStatus.ATTENDED
        current.checked_in_at = now
        current.check_in_method = CheckInMethod.MANUAL
        current.checked_in_by = by
        current.confirmed_at = current.confirmed_at or now
        current.save(update_fields=["status", "checked_in_at", "check_in_method", "checked_in_by", "confirmed_at"])
        return current
    if current.certificate_id:
        raise WorkshopError(messages.ATTENDANCE_LOCKED_BY_CERTIFICATE)
    if _workshop_is_closed(current.workshop_id):
        raise WorkshopError(messages.ATTENDANCE_LOCKED_BY_CLOSING)
    if current.source == RegistrationSource.WALK_IN:
        current.status = RegistrationStatus.CANCELLED  # a walk-in who did not come has no registration to go back to
        current.cancelled_at = now
    else:
        current.status = RegistrationStatus.CONFIRMED
    current.checked_in_at = None
    current.check_in_method = ""
    current.checked_in_by = None
    current.save(update_fields=["status", "cancelled_at", "checked_in_at", "check_in_method", "checked_in_by"])
    return current


def cancel_workshop(*, workshop: WorkshopPage, by, reason: str = "中止となりました。") -> WorkshopPage:
    """Cancel a workshop: publish it with status 中止 (a new revision, so the history shows who and when). Publishing
    a cancelled workshop notifies everyone registered (`handle_workshop_published` → `apply_published_workshop`)."""
    live = WorkshopPage.objects.get(pk=workshop.pk)
    if live.is_cancelled:
        raise WorkshopError(messages.ALREADY_CANCELLED)
    live.status = WorkshopStatus.CANCELLED
    live.cancellation_reason = (reason or "").strip()[:500]
    with transaction.atomic():
        revision = live.save_revision(user=by, log_action=True)
        revision.publish(user=by)
    return WorkshopPage.objects.get(pk=workshop.pk)


def apply_published_workshop(*, workshop: WorkshopPage, by=None) -> None:
    """A workshop was published (created, edited or cancelled): tell everyone registered if it is cancelled, else
    tell everyone confirmed or waitlisted what changed (date, time, place, URL) and give any seats a raised capacity
    freed to the waitlist."""
    if not workshop.is_cancelled:
        record_workshop_change(workshop=workshop, by=by)
    if workshop.is_cancelled:
        from lms.outbox.services import enqueue

        from .tasks import notify_workshop_cancelled

        enqueue(notify_workshop_cancelled, workshop.pk, key=f"workshop-cancelled:{workshop.pk}")
    else:
        promote_waitlist(workshop=workshop)


# --- Changes of date, time, place or online URL ---------------------------------------------------------------

CHANGE_LABELS = {
    "date": "日時",
    "format": "開催形式",
    "venue_name": "会場名",
    "venue_address": "会場の住所",
    "online_url": "オンライン参加用URL",
}


def _when(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    text = date_format(start, "Y年n月j日（D）H:i") + "〜"
    return text + (date_format(end, "H:i") if start.date() == end.date() else date_format(end, "Y年n月j日（D）H:i"))


def describe_changes(before: dict, after: dict) -> list[dict]:
    """What changed between two sets of NOTIFIED_FIELDS, as the e-mail and the console show it (before → after)."""
    from .enums import WorkshopFormat

    changes = []
    if (before["starts_at"], before["ends_at"]) != (after["starts_at"], after["ends_at"]):
        changes.append(
            {"field": "date", "label": CHANGE_LABELS["date"], "before": _when(before["starts_at"], before["ends_at"]),
             "after": _when(after["starts_at"], after["ends_at"])}
        )
    for field in ("format", "venue_name", "venue_address", "online_url"):
        if (before[field] or "") != (after[field] or ""):
            old, new = before[field] or "（なし）", after[field] or "（なし）"
            if field == "format":
                old, new = str(WorkshopFormat(before[field]).label), str(WorkshopFormat(after[field]).label)
            changes.append({"field": field, "label": CHANGE_LABELS[field], "before": old, "after": new})
    return changes


def _notified_values(obj) -> dict:
    from .models import NOTIFIED_FIELDS

    return {field: getattr(obj, field) for field in NOTIFIED_FIELDS}


def people_to_tell(workshop: WorkshopPage) -> list[Registration]:
    """Everyone a change is sent to: confirmed (not yet attended) and waitlisted, in roster order."""
    return list(
        Registration.objects.filter(
            workshop_id=workshop.pk, status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
        )
        .select_related("user__profile")
        .order_by("status", "id")
    )


def record_workshop_change(*, workshop: WorkshopPage, by=None):
    """Compare the published workshop with what people were last told; if its date, time, place or URL changed,
    record the change and queue an e-mail (with an updated .ics: same UID, higher SEQUENCE) to every confirmed and
    waitlisted person. The first publication only remembers the facts. Returns the change or None."""
    from .models import WorkshopChange, WorkshopNotifiedState

    with transaction.atomic():
        live = _lock_workshop(workshop.pk)
        current = _notified_values(live)
        state = WorkshopNotifiedState.objects.filter(workshop_id=live.pk).first()
        if state is None:
            WorkshopNotifiedState.objects.create(workshop_id=live.pk, **current)
            return None
        changes = describe_changes(_notified_values(state), current)
        if not changes:
            return None
        for field, value in current.items():
            setattr(state, field, value)
        state.save()
        change = WorkshopChange.objects.create(workshop_id=live.pk, changed_at=timezone.now(), changed_by=by, changes=changes)
        from lms.outbox.services import enqueue

        from .tasks import notify_workshop_changed

        # through the outbox: with the broker down the notices are kept and sent when it is back
        enqueue(notify_workshop_changed, change.pk, key=f"workshop-changed:{change.pk}")
    return change


def queue_change_notices(*, change_id: int) -> int:
    """Queue the change e-mail to everyone confirmed or waitlisted for the changed workshop (each is sent once),
    through the outbox: the rows are written in one transaction, so a broker outage or a crash mid fan-out loses
    none (beat's drain publishes what is left) and a retried fan-out sends nothing twice (the keys, and the notice
    rows)."""
    from lms.outbox.services import enqueue

    from .models import WorkshopChange
    from .tasks import send_change_notice

    change = WorkshopChange.objects.filter(pk=change_id).select_related("workshop").first()
    if change is None:
        return 0
    ids = [registration.pk for registration in people_to_tell(change.workshop)]
    with transaction.atomic():
        for registration_id in ids:
            enqueue(send_change_notice, change_id, registration_id, key=f"change-notice:{change_id}:{registration_id}")
    return len(ids)


def send_change_notice(*, change_id: int, registration_id: int) -> bool:
    """One change e-mail per change and person: claimed first (a lease), marked sent after the SMTP call, released if
    sending fails (lms/leases.py)."""
    from .emails import send_change_email
    from .models import WorkshopChange, WorkshopChangeNotice

    change = WorkshopChange.objects.filter(pk=change_id).first()
    registration = (
        Registration.objects.select_related("workshop__municipality__prefecture", "user__profile")
        .filter(pk=registration_id)
        .first()
    )
    if change is None or registration is None or not registration.user.is_active:
        return False
    if registration.is_cancelled or registration.workshop.is_cancelled:
        return False
    notice = claim_notice(WorkshopChangeNotice, change=change, registration=registration)
    if notice is None:
        return False  # sent before, or being sent by another worker
    try:
        send_change_email(registration=registration, change=change)
    except Exception:
        release_notice(notice)
        raise
    mark_notice_sent(notice)
    return True


CHANGEABLE_FIELDS = ("starts_at", "ends_at", "venue_name", "venue_address", "online_url", "capacity")


def preview_workshop_change(*, workshop: WorkshopPage, **fields) -> tuple[list[dict], list[Registration], dict]:
    """What a change from the console would do, before saving: (changes, people who will be told, errors by field).
    The errors are the page's own rules (`WorkshopPage.clean`); lowering the capacity below the seats given names
    the people who would lose theirs."""
    candidate = WorkshopPage.objects.get(pk=workshop.pk)
    before = _notified_values(candidate)
    for field, value in fields.items():
        if field not in CHANGEABLE_FIELDS:
            raise ValueError(field)
        setattr(candidate, field, value)
    errors: dict = {}
    try:
        candidate.clean()
    except ValidationError as exc:
        errors = {field: [str(message) for message in messages_] for field, messages_ in exc.message_dict.items()}
    if "capacity" in errors:
        seated = list(
            Registration.objects.seat_taking().filter(workshop_id=workshop.pk).select_related("user__profile").order_by("-confirmed_at", "-id")
        )
        over = seated[: max(0, len(seated) - candidate.capacity)]
        names = "、".join(getattr(getattr(r.user, "profile", None), "full_name", "") or "（氏名未登録）" for r in over)
        errors["capacity"].append(f"影響を受ける方（参加確定の新しい順）: {names}")
    changes = describe_changes(before, _notified_values(candidate))
    return changes, people_to_tell(workshop) if changes else [], errors


def change_workshop(*, workshop: WorkshopPage, by, **fields) -> WorkshopPage:
    """The trainer changes the date, time, place, URL or capacity in the console: a new revision of the live page,
    published (the history shows who and when). Publishing tells everyone confirmed or waitlisted. Refused (nothing
    saved) by the page's rules: into the past, before the registration window, below the seats given."""
    changes, _people, errors = preview_workshop_change(workshop=workshop, **fields)
    if errors:
        raise ValidationError(errors)
    live = WorkshopPage.objects.get(pk=workshop.pk)
    if not changes and all(getattr(live, f) == v for f, v in fields.items()):
        raise WorkshopError(messages.CHANGE_NOTHING)
    for field, value in fields.items():
        setattr(live, field, value)
    with transaction.atomic():
        revision = live.save_revision(user=by, log_action=True)
        revision.publish(user=by)
    return WorkshopPage.objects.get(pk=workshop.pk)


# --- Notices (e-mail) -------------------------------------------------------------------------------------------------


def _queue_notice(registration_id: int, kind: NoticeKind) -> None:
    """Send the e-mail after commit, through the outbox (kept and sent later if the broker is down). The key and the
    notice row's unique (registration, kind) make it one e-mail however often it is queued or retried."""
    from lms.outbox.services import enqueue

    from .tasks import send_registration_notice

    enqueue(send_registration_notice, registration_id, kind.value, key=f"notice:{registration_id}:{kind.value}")


def _notice_still_relevant(registration: Registration, kind: NoticeKind) -> bool:
    workshop = registration.workshop
    if kind == NoticeKind.WORKSHOP_CANCELLED:
        return workshop.is_cancelled and registration.status != RegistrationStatus.CANCELLED
    if kind == NoticeKind.REGISTRATION_CANCELLED:  # the learner's own cancellation (queued by cancel_registration)
        return registration.is_cancelled
    if workshop.is_cancelled or registration.is_cancelled:
        return False
    if kind == NoticeKind.WAITLISTED:
        return registration.is_waitlisted
    if kind in (NoticeKind.CONFIRMED, NoticeKind.PROMOTED):
        return registration.is_confirmed
    if kind == NoticeKind.OFFERED:
        return registration.is_offered and registration.offer_expires_at > timezone.now()
    if kind == NoticeKind.REMINDER:
        return registration.status == RegistrationStatus.CONFIRMED and not workshop.has_started()
    return False


def send_registration_notice(*, registration_id: int, kind: NoticeKind | str) -> bool:
    """Send one e-mail about a registration, once per kind: the notice row is claimed first (a lease: if this worker
    dies before the send, the sweep sends it after NOTICE_LEASE_SECONDS), marked sent after the SMTP call, and
    released if sending fails (so a retry sends it). Returns whether it was sent now."""
    from .emails import send_notice_email

    kind = NoticeKind(kind)
    registration = (
        Registration.objects.select_related("workshop__municipality__prefecture", "user__profile")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.user.is_active or not _notice_still_relevant(registration, kind):
        return False
    notice = claim_notice(RegistrationNotice, registration=registration, kind=kind)
    if notice is None:
        return False  # sent before, or being sent by another worker
    try:
        send_notice_email(registration=registration, kind=kind)
    except Exception:
        release_notice(notice)
        raise
    mark_notice_sent(notice)
    return True


def queue_cancellation_notices(*, workshop_id: int) -> int:
    """Queue the cancellation e-mail to everyone still registered (each is sent once), through the outbox (see
    queue_change_notices)."""
    ids = list(
        Registration.objects.active().filter(workshop_id=workshop_id).values_list("pk", flat=True).order_by("pk")
    )
    with transaction.atomic():
        for registration_id in ids:
            _queue_notice(registration_id, NoticeKind.WORKSHOP_CANCELLED)
    return len(ids)


REMINDER_FROM_HOUR = 9  # reminders go out from 09:00 JST on the day before, never at night


def queue_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the day-before reminder to everyone confirmed for a workshop starting tomorrow (Asia/Tokyo) who has not
    had it. Run every hour by beat; each reminder is sent once."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < REMINDER_FROM_HOUR:
        return 0
    tomorrow = local.date() + dt.timedelta(days=1)
    workshops = WorkshopPage.objects.published().in_period(tomorrow, tomorrow).values("pk")
    ids = list(
        Registration.objects.filter(workshop__in=workshops, status=RegistrationStatus.CONFIRMED)
        .exclude(notices__kind=NoticeKind.REMINDER)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    with transaction.atomic():  # through the outbox, as queue_change_notices
        for registration_id in ids:
            _queue_notice(registration_id, NoticeKind.REMINDER)
    return len(ids)


def retry_unsent_notices(*, now: dt.datetime | None = None) -> int:
    """Every minute (beat): notices claimed by a sender that died before marking them sent (claim older than
    NOTICE_LEASE_SECONDS) are queued again; the new run retakes the claim and sends (lms/leases.py). Returns how
    many were queued."""
    from lms.leases import notice_cutoff

    from .models import WorkshopChangeNotice
    from .tasks import send_change_notice

    cutoff = notice_cutoff(now)
    stale = list(
        RegistrationNotice.objects.filter(sent_at__isnull=True, claimed_at__lt=cutoff).values_list("registration_id", "kind")
    )
    stale_changes = list(
        WorkshopChangeNotice.objects.filter(sent_at__isnull=True, claimed_at__lt=cutoff).values_list(
            "change_id", "registration_id"
        )
    )
    with transaction.atomic():
        for registration_id, kind in stale:
            _queue_notice(registration_id, NoticeKind(kind))
        for change_id, registration_id in stale_changes:
            from lms.outbox.services import enqueue

            enqueue(send_change_notice, change_id, registration_id, key=f"change-notice:{change_id}:{registration_id}")
    return len(stale) + len(stale_changes)


# --- Closing: course completion and certificates for every attendee -------------------------------------------------

CLOSING_STALE_AFTER = dt.timedelta(minutes=15)  # a run this old without finishing lost its worker; it may be re-run


def request_workshop_closing(*, workshop: WorkshopPage, by) -> WorkshopClosing:
    """The trainer closes the session: queue issuing completion and a certificate to every attendee (a Celery task)
    and return the status row the console shows. Refused for a cancelled or not yet started workshop, one without
    attendees, or while a run is in progress. Closing again later (after adding a late attendee) issues only what is
    missing."""
    from courses.selectors import get_primary_course

    now = timezone.now()
    if workshop.is_cancelled:
        raise WorkshopError(messages.CLOSE_CANCELLED)
    if not workshop.has_started(now):
        raise WorkshopError(messages.CLOSE_NOT_STARTED)
    if not Registration.objects.certifiable().filter(workshop_id=workshop.pk).exists():
        raise WorkshopError(messages.CLOSE_NO_ATTENDEES)
    if get_primary_course() is None:
        raise WorkshopError(messages.CLOSE_NO_COURSE)
    with transaction.atomic():
        closing, _created = WorkshopClosing.objects.select_for_update().get_or_create(
            workshop=workshop, defaults={"requested_at": now, "requested_by": by}
        )
        if not _created and closing.in_progress and not _may_restart(closing, now):
            raise WorkshopError(messages.CLOSE_IN_PROGRESS)
        if not _created and closing.interrupted:  # 再開: resume the interrupted run where it stopped
            _queue_closing(closing.pk)
            return closing
        closing.status = ClosingStatus.PENDING
        closing.requested_at = now
        closing.requested_by = by
        closing.error = ""
        closing.save()
        _queue_closing(closing.pk)
    return closing


def _queue_closing(closing_id: int) -> None:
    """Run the closing after commit, through the outbox: with the broker down it stays 待機中 and starts when the
    broker is back."""
    from lms.outbox.services import enqueue

    from .tasks import close_workshop

    enqueue(close_workshop, closing_id, key=f"workshop-closing:{closing_id}")


class _LostLease(Exception):
    """Another run took this closing over (our lease expired): stop without touching its row."""


def _may_restart(closing: WorkshopClosing, now: dt.datetime) -> bool:
    """A pending run waits for the broker for CLOSING_STALE_AFTER; a running one may be resumed once its lease expired."""
    if closing.status == ClosingStatus.RUNNING:
        return closing.interrupted
    return now - closing.requested_at >= CLOSING_STALE_AFTER


def _claim_closing(closing_id: int, now: dt.datetime) -> int | None:
    """Take the run: resume one whose worker died (lease expired: counts and position kept), or start a pending or
    failed one afresh. Returns this run's number (its lease), or None when another worker holds it or it is done."""
    from lms.leases import lease_cutoff

    cutoff = lease_cutoff(now)
    rows = WorkshopClosing.objects.filter(pk=closing_id)
    expired = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    resumed = rows.filter(Q(status=ClosingStatus.RUNNING) & expired).update(
        heartbeat_at=now, runs=F("runs") + 1, error=""
    )
    if not resumed:
        fresh = rows.filter(status__in=(ClosingStatus.PENDING, ClosingStatus.FAILED)).update(
            status=ClosingStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            runs=F("runs") + 1,
            total=0,
            processed=0,
            issued=0,
            already_certified=0,
            failed=0,
            resume_after=0,
            error="",
        )
        if not fresh:
            return None
    return rows.values_list("runs", flat=True).get()


def run_workshop_closing(*, closing_id: int) -> WorkshopClosing:
    """The task's work: complete the course (channel: workshop) for every attendee, which issues their certificate
    through the certificates service, and record progress on the status row. Idempotent: complete_course and
    issue_certificate return what exists, so a second run issues nothing twice. One attendee's failure is counted
    and reported without stopping the others; a database error stops the run (FAILED) and the task retries.

    Lease (issue 15): after each attendee the row is stamped (heartbeat) with the attendee's id, under this run's
    number; a run whose worker died is taken over by the next (the sweep, or the trainer's 再開) after
    WORK_LEASE_SECONDS and resumes after the last attendee done. A run that finds its number replaced stops.
    The certificates' PDFs are queued in batches (certificates.services.batched_renders)."""
    from certificates.services import batched_renders
    from courses.selectors import get_primary_course

    run = _claim_closing(closing_id, timezone.now())
    closing = WorkshopClosing.objects.select_related("workshop").get(pk=closing_id)
    if run is None:
        return closing  # running elsewhere, or done
    mine = WorkshopClosing.objects.filter(pk=closing_id, runs=run)
    workshop = closing.workshop
    course = get_primary_course()
    attendees = list(
        Registration.objects.certifiable()
        .filter(workshop_id=workshop.pk, user__is_active=True)
        .select_related("user__profile")
        .order_by("id")
    )
    mine.update(total=len(attendees))
    if course is None:
        mine.update(status=ClosingStatus.FAILED, finished_at=timezone.now(), error=str(messages.CLOSE_NO_COURSE))
        return WorkshopClosing.objects.get(pk=closing_id)
    with batched_renders() as renders:  # the attendees' PDFs rendered in batches (certificates.services)
        return _close_attendees(closing, mine, run, workshop, course, attendees, renders)


def _close_attendees(closing, mine, run, workshop, course, attendees, renders) -> WorkshopClosing:
    from certificates.models import Certificate
    from courses.enums import Channel
    from courses.services import complete_course

    closing_id = closing.pk
    last_error = closing.error
    for registration in attendees:
        renders.flush(full_only=True)  # between attendees' transactions: whole batches start rendering now
        if registration.pk <= closing.resume_after:
            continue  # done by the run this one took over
        user = registration.user
        step = {"processed": F("processed") + 1}
        try:
            with transaction.atomic():
                had = Certificate.objects.valid().filter(holder=user, course=course).first()
                complete_course(user=user, course=course, channel=Channel.WORKSHOP, workshop=workshop)
                certificate = had or Certificate.objects.valid().filter(holder=user, course=course).first()
                Registration.objects.filter(pk=registration.pk).update(certificate=certificate)
                field = "already_certified" if had else "issued"
                # The progress in the same transaction as the work: a worker killed in between loses both.
                if not mine.update(heartbeat_at=timezone.now(), resume_after=registration.pk, **step, **{field: F(field) + 1}):
                    raise _LostLease
        except _LostLease:
            logger.warning("Closing %s: run %s lost its lease; the run that took over goes on.", closing_id, run)
            return WorkshopClosing.objects.get(pk=closing_id)
        except OperationalError as exc:  # transient: stop, mark failed, let the task retry the whole (idempotent) run
            mine.update(status=ClosingStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:500])
            raise
        except Exception as exc:  # this attendee only (e.g. a profile that cannot be certified): report, go on
            logger.exception("Closing %s: could not complete registration %s", closing_id, registration.pk)
            last_error = f"{type(exc).__name__}: {exc}"[:500]
            if not mine.update(
                heartbeat_at=timezone.now(), resume_after=registration.pk, failed=F("failed") + 1, **step
            ):
                return WorkshopClosing.objects.get(pk=closing_id)
    failed = mine.values_list("failed", flat=True).first()
    mine.update(
        status=ClosingStatus.FAILED if failed else ClosingStatus.DONE,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        error=last_error if failed else "",
    )
    return WorkshopClosing.objects.get(pk=closing_id)


def resume_interrupted_closings() -> int:
    """Sweep (beat, every minute): queue again every closing whose worker died (lease expired); each resumes where it
    stopped. Returns how many were queued."""
    from lms.leases import lease_cutoff

    cutoff = lease_cutoff()
    ids = list(
        WorkshopClosing.objects.filter(status=ClosingStatus.RUNNING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    for closing_id in ids:
        _queue_closing(closing_id)
    return len(ids)



# --- Paper participants (no account, no e-mail) -------------------------------------------------------------------

CLAIM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper by older eyes
PAPER_FIELDS = ("full_name", "furigana", "municipality", "age_band", "occupation", "consent_statistics")


def _new_claim_code() -> str:
    raw = "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_claim_code(text: str) -> str:
    import unicodedata

    raw = "".join(ch for ch in unicodedata.normalize("NFKC", text or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else ""


def _name_key(text: str) -> str:
    """Names compared as people write them: NFKC, no spaces, katakana folded to hiragana."""
    import unicodedata

    text = "".join(unicodedata.normalize("NFKC", text or "").split())
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


def _refuse_unless_paper_allowed(workshop: WorkshopPage) -> None:
    if not workshop.attendance_is_open(by_trainer=True):
        raise WorkshopError(messages.PAPER_NOT_IN_WINDOW)


def _duplicate_paper(workshop_id: int, full_name: str, furigana: str, exclude_keys: set | None = None) -> bool:
    from .models import PaperParticipant

    key = (_name_key(full_name), _name_key(furigana))
    return any(
        (_name_key(n), _name_key(f)) == key
        for n, f in PaperParticipant.objects.filter(workshop_id=workshop_id).values_list("full_name", "furigana")
    )


def _build_paper(*, workshop: WorkshopPage, by, values: dict):
    from .models import PaperParticipant

    participant = PaperParticipant(workshop=workshop, created_by=by, created_at=timezone.now(), claim_code=_new_claim_code(), **values)
    participant.full_clean(
        exclude=["workshop", "created_by", "claimed_by", "certificate", "claim_code", "printed_number", "printed_revoked_by"]
    )
    # The printed 修了証's own number and signature: verifiable online from the day it is printed.
    from .paper_certificates import assign_printed_number

    assign_printed_number(participant, save=False)
    return participant


@transaction.atomic
def add_paper_participant(*, workshop: WorkshopPage, by, **values):
    """The trainer records one person from the paper sign-in sheet (they attended). Refused: outside the attendance
    window or on a cancelled workshop, the same name and furigana twice."""
    _refuse_unless_paper_allowed(workshop)
    _lock_workshop(workshop.pk)
    if _duplicate_paper(workshop.pk, values["full_name"], values["furigana"]):
        raise WorkshopError(messages.PAPER_DUPLICATE)
    participant = _build_paper(workshop=workshop, by=by, values=values)
    participant.save()
    return participant


def import_paper_participants(*, workshop: WorkshopPage, by, rows: list[tuple[int, dict]]) -> list:
    """Save every row of a sign-in sheet, or none: `rows` are (line number, parsed values) from
    `events.imports.read_sign_in_sheet`, already checked one by one; duplicates within the file and with people
    already recorded are refused here. Raises ImportRefused with the row-by-row report."""
    from .imports import ImportRefused

    _refuse_unless_paper_allowed(workshop)
    errors = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in rows:
        key = (_name_key(values["full_name"]), _name_key(values["furigana"]))
        if key in seen:
            errors.append(str(messages.IMPORT_ROW_ERROR % {"row": line, "message": messages.IMPORT_DUPLICATE_ROW % {"other": seen[key]}}))
        elif _duplicate_paper(workshop.pk, values["full_name"], values["furigana"]):
            errors.append(str(messages.IMPORT_ROW_ERROR % {"row": line, "message": messages.PAPER_DUPLICATE}))
        seen.setdefault(key, line)
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        _lock_workshop(workshop.pk)
        created = []
        for _line, values in rows:
            participant = _build_paper(workshop=workshop, by=by, values=values)
            participant.save()
            created.append(participant)
    return created


@transaction.atomic
def delete_paper_participant(*, participant, by) -> None:
    """Deletion on request: the record goes (the workshop's numbers drop by one). A certificate already claimed into
    an account stays with that account (its holder deletes it there)."""
    logger.info("Paper participant %s of workshop %s deleted by user %s", participant.pk, participant.workshop_id, getattr(by, "pk", None))
    participant.delete()


@transaction.atomic
def claim_paper_certificate(*, code: str, user):
    """A paper participant who signed up types the code printed on their 修了証: the workshop's completion and a
    certificate are issued to their account. Refused (nothing changed): unknown code, a code already used, or an
    account whose name and furigana both differ from the printed certificate (another person)."""
    from certificates.models import Certificate
    from courses.enums import Channel
    from courses.selectors import get_primary_course
    from courses.services import complete_course

    from .models import PaperParticipant

    if user is None or not user.is_authenticated:
        raise WorkshopError(messages.CLAIM_LOGIN)
    profile = getattr(user, "profile", None)
    if profile is None:
        raise WorkshopError(messages.PROFILE_REQUIRED)
    normalised = normalise_claim_code(code)
    participant = (
        PaperParticipant.objects.select_for_update(of=("self",)).select_related("workshop").filter(claim_code=normalised).first()
        if normalised
        else None
    )
    if participant is None:
        raise WorkshopError(messages.CLAIM_CODE_INVALID)
    if participant.is_claimed:
        raise WorkshopError(messages.CLAIM_ALREADY_USED)
    if participant.printed_is_revoked:
        raise WorkshopError(messages.CLAIM_REVOKED)
    same_name = _name_key(profile.full_name) == _name_key(participant.full_name)
    same_furigana = _name_key(profile.furigana) == _name_key(participant.furigana)
    if not (same_name or same_furigana):
        raise WorkshopError(messages.CLAIM_OTHER_PERSON)
    course = get_primary_course()
    if course is None:
        raise WorkshopError(messages.CLOSE_NO_COURSE)
    complete_course(user=user, course=course, channel=Channel.WORKSHOP, workshop=participant.workshop)
    participant.certificate = Certificate.objects.valid().filter(holder=user, course=course).first()
    participant.claimed_by = user
    participant.claimed_at = timezone.now()
    participant.save(update_fields=["certificate", "claimed_by", "claimed_at"])
    return participant
