"""The workshops panel on マイページ: the learner's upcoming registrations (with status) and recent attendance."""

from __future__ import annotations

from .selectors import learner_registrations


def workshops_panel(request):
    if not request.user.is_authenticated:
        return None
    upcoming, past = learner_registrations(request.user)
    return ("events/mypage_panel.html", {"upcoming": upcoming, "past": past})
