"""Thin receivers that mark a learner's report cells dirty in the same transaction as the change that affects them.
The refresh (lms.reports.rollups.refresh, every minute) recomputes those cells from raw rows."""

from .rollups import mark_dirty


def handle_learner_changed(sender, instance, **kwargs):
    """A user (sign-up, deletion) or a learner profile (move, age band, occupation, consent) was saved. A login
    (which saves only last_login) changes nothing counted."""
    if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= {"last_login"}:
        return
    mark_dirty([getattr(instance, "user_id", None) or instance.pk])


def handle_quiz_attempt_saved(sender, instance, created, **kwargs):
    """A quiz attempt; passing a module and completing the course online happen in the same transaction."""
    if created:
        mark_dirty([instance.user_id])


def handle_certificate_saved(sender, instance, **kwargs):
    """A certificate issued (also after a workshop completion) or revoked."""
    mark_dirty([instance.holder_id])


def handle_registration_saved(sender, instance, **kwargs):
    """Attendance marked or a registration changed: the attendee's completion may follow (workshops are recomputed
    whole on every refresh)."""
    mark_dirty([instance.user_id])


def handle_personal_data_erased(sender, user, **kwargs):
    mark_dirty([user.pk])
