"""The workshops panel on マイページ: the learner's upcoming registrations (with status) and recent attendance."""

from __future__ import annotations

from .selectors import learner_registrations


def trainer_panel(request):
    """マイページ's way into the trainer console, for trainers only."""
    from lms.accounts.enums import Role

    user = request.user
    if not user.is_authenticated or not user.role_assignments.filter(role=Role.TRAINER).exists():
        return None
    return ("events/mypage_trainer_panel.html", {})


def workshops_panel(request):
    if not request.user.is_authenticated:
        return None
    upcoming, past = learner_registrations(request.user)
    return ("events/mypage_panel.html", {"upcoming": upcoming, "past": past})
