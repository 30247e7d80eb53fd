"""Report figures counted straight from the raw rows (users, profiles, enrolments, progress, attempts, certificates,
workshops), written independently of lms.reports.compute so tests can check the roll-ups against them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Enrolment, ModuleProgress, QuizAttempt
from events.models import WorkshopPage
from lms.accounts.models import LearnerProfile

JST = ZoneInfo("Asia/Tokyo")


def _fy(moment: dt.datetime) -> int:
    local = moment.astimezone(JST)
    return local.year if local.month >= 4 else local.year - 1


def _month(moment: dt.datetime) -> dt.date:
    return moment.astimezone(JST).date().replace(day=1)


def _in_area(municipality, area) -> bool:
    city = municipality.parent if municipality.parent_id else municipality
    if area.level == "nation":
        return True
    if area.level == "prefecture":
        return city.prefecture_id == area.code
    return city.code == area.code


def raw_figures(area, fy: int, module_ids: list[int]) -> dict:
    """The same figures as lms.reports.selectors.figures (without population), from raw rows, in Python."""
    verified = set(EmailAddress.objects.filter(verified=True).values_list("user_id", flat=True))
    everyone = {
        p.user_id: p
        for p in LearnerProfile.objects.select_related("user", "municipality__parent")
        if p.consent_statistics and p.user.deleted_at is None and p.user.is_active and p.user_id in verified
    }
    counted = {user_id: p for user_id, p in everyone.items() if _in_area(p.municipality, area)}
    out = Counter()
    months, ages, occupations = Counter(), Counter(), Counter()

    def add(name, user_id, moment):
        if user_id in counted and _fy(moment) == fy:
            out[name] += 1
            if name in ("registered", "started", "completed_online", "completed_workshop"):
                key = "completed" if name.startswith("completed") else name
                profile = counted[user_id]
                months[(_month(moment), key)] += 1
                ages[(profile.age_band, key)] += 1
                occupations[(profile.occupation or "unknown", key)] += 1

    for user_id, profile in counted.items():
        add("registered", user_id, profile.user.date_joined)
    for e in Enrolment.objects.all():
        add("started", e.user_id, e.started_at)
        if e.completed_at:
            add(f"completed_{e.channel}", e.user_id, e.completed_at)
    for c in Certificate.objects.filter(status="valid"):
        add("certificates_valid", c.holder_id, c.issued_at)
    for p in ModuleProgress.objects.filter(passed_at__isnull=False):
        if p.module_id in module_ids:
            add(f"passed_{module_ids.index(p.module_id) + 1}", p.user_id, p.passed_at)
    now = timezone.now()
    for w in WorkshopPage.objects.select_related("municipality__parent"):
        if w.status == "cancelled" or w.starts_at > now or _fy(w.starts_at) != fy:
            continue
        papers = [p for p in w.paper_participants.select_related("municipality__parent") if p.consent_statistics]
        if _in_area(w.municipality, area):
            out["workshops_held"] += 1
            attended = w.registrations.filter(status="attended").values_list("user_id", flat=True)
            out["workshop_attendance"] += sum(1 for user_id in attended if user_id in everyone) + len(papers)
        for p in papers:  # a paper participant completes where they live, in the workshop's month
            if p.claimed_at is None and _in_area(p.municipality, area):
                out["completed_workshop"] += 1
                months[(_month(w.starts_at), "completed")] += 1
                ages[(p.age_band, "completed")] += 1
                occupations[(p.occupation or "unknown", "completed")] += 1
    quiz = Counter()
    seen = set()
    for a in QuizAttempt.objects.order_by("submitted_at", "pk"):
        if (a.user_id, a.module_id) in seen:
            continue
        seen.add((a.user_id, a.module_id))
        if a.module_id in module_ids and a.user_id in counted and _fy(a.submitted_at) == fy:
            number = module_ids.index(a.module_id) + 1
            quiz[(number, "", "attempts")] += 1
            quiz[(number, "", "correct")] += a.passed
            for key, right in a.results.items():
                quiz[(number, key, "attempts")] += 1
                quiz[(number, key, "correct")] += right
    return {"totals": out, "months": months, "ages": ages, "occupations": occupations, "quiz": quiz}


def figures_as_raw(figures, quiz_modules) -> dict:
    """A selectors.figures() result (and quiz_first_attempts()) in raw_figures' shape, zeros dropped."""
    totals = Counter(
        registered=figures.registered,
        started=figures.started,
        completed_online=figures.completed_online,
        completed_workshop=figures.completed_workshop,
        certificates_valid=figures.certificates_valid,
        workshops_held=figures.workshops_held,
        workshop_attendance=figures.workshop_attendance,
        **{f"passed_{m.module_number}": figures.module_passed.get(m.module_id, 0) for m in quiz_modules},
    )
    months, ages, occupations = Counter(), Counter(), Counter()
    for month, registered, started, completed in figures.by_month:
        months.update({(month, "registered"): registered, (month, "started"): started, (month, "completed"): completed})
    for target, rows in ((ages, figures.by_age_band), (occupations, figures.by_occupation)):
        for key, _label, registered, started, completed in rows:
            target.update({(key, "registered"): registered, (key, "started"): started, (key, "completed"): completed})
    quiz = Counter()
    for module in quiz_modules:
        quiz[(module.module_number, "", "attempts")] += module.first_attempts
        quiz[(module.module_number, "", "correct")] += module.first_passes
        for q in module.questions:
            quiz[(module.module_number, q.question_key, "attempts")] += q.first_attempts
            quiz[(module.module_number, q.question_key, "correct")] += q.first_correct
    drop = lambda c: Counter({k: v for k, v in c.items() if v})  # noqa: E731
    return {
        "totals": drop(totals),
        "months": drop(months),
        "ages": drop(ages),
        "occupations": drop(occupations),
        "quiz": drop(quiz),
    }
