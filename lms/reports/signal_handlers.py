"""Thin receivers that mark a learner's report cells dirty in the same transaction as a change the refresh could not
find by itself: sign-up and deletion (User), a move, new age band or occupation, or withdrawn consent (LearnerProfile),
a revoked certificate, erased personal data. New quiz attempts, enrolments and certificates are found by the refresh's
own scan of the newest rows (lms.reports.refresh.refresh), so the quiz submit — a hot path with a fixed query budget
— gets no extra statement."""

from .refresh import mark_dirty


def handle_learner_changed(sender, instance, **kwargs):
    """A user (sign-up, deletion) or a learner profile (move, age band, occupation, consent) was saved. A login
    (which saves only last_login) changes nothing counted."""
    if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= {"last_login"}:
        return
    mark_dirty([getattr(instance, "user_id", None) or instance.pk])


def handle_certificate_saved(sender, instance, created=False, update_fields=None, **kwargs):
    """A certificate's status changed (revoked). New certificates are found by the refresh's scan."""
    if not created and (update_fields is None or "status" in update_fields):
        mark_dirty([instance.holder_id])


def handle_personal_data_erased(sender, user, **kwargs):
    mark_dirty([user.pk])


def handle_email_address_changed(sender, instance, **kwargs):
    """An e-mail address was verified, added or removed: whether its user is counted may have changed (only learners
    with a verified address are counted). The refresh job recomputes their cells."""
    mark_dirty([instance.user_id])
