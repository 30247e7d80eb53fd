"""The roll-ups equal a count from the raw rows, for every area and fiscal year, after a realistic mixed sequence of
actions through the real services (sign-ups, views, failed and passed quizzes, online and workshop completions, a
revoked certificate, a move, withdrawn consent, a deleted account), both by the every-minute refresh and by a full
rebuild."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import revoke_certificate
from courses.enums import Channel
from courses.models import Enrolment, ModuleProgress, QuizAttempt
from courses.services import complete_course, issue_quiz_token, record_module_view, record_quiz_attempt
from events.models import WorkshopPage
from events.services import add_paper_participant, register_for_workshop, set_attendance
from lms.accounts.models import User
from lms.accounts.services import delete_account, update_learner_profile
from lms.regions.models import Municipality
from lms.reports import refresh, selectors
from lms.reports.models import (
    CityLearnerMonth,
    CityModuleMonth,
    CityQuizYear,
    DirtyLearner,
    NationLearnerMonth,
    PrefectureLearnerMonth,
)
from tests.accounts.factories import KYOTO_CITY, TOTTORI_CITY, UserFactory
from tests.courses.factories import make_course, pass_module, wrong_answers
from tests.events.factories import make_workshop
from tests.reports.rawcounts import figures_as_raw, raw_figures

KYOTO_WARD = "261017"  # 京都市北区: counted in 京都市
CHIYODA = "131016"  # 千代田区 (a special ward is a municipality of its own)


def _drop(found: dict) -> dict:
    return {name: Counter({k: v for k, v in counter.items() if v}) for name, counter in found.items()}


def _areas():
    return [
        selectors.area_for_nation(),
        selectors.area_for_prefecture("31"),
        selectors.area_for_prefecture("26"),
        selectors.area_for_prefecture("13"),
        selectors.area_for_prefecture("01"),
        selectors.area_for_municipality(TOTTORI_CITY),
        selectors.area_for_municipality(KYOTO_CITY),
        selectors.area_for_municipality(CHIYODA),
        selectors.area_for_municipality("312029"),  # 米子市: nobody
    ]


def assert_rollups_match_raw(module_ids):
    years = selectors.fiscal_years_available()
    assert len(years) >= 2
    for fy in years:
        for area in _areas():
            expected = _drop(raw_figures(area, fy, module_ids))
            got = figures_as_raw(selectors.figures(area, fy), selectors.quiz_first_attempts(area, fy))
            assert got == expected, (area.name, fy)


def _rows(model):
    fields = [f.name for f in model._meta.fields if f.name != "id"]
    return sorted(model.objects.values_list(*fields))


def _fail_then_pass(user, module, course):
    record_quiz_attempt(
        user=user, module=module, answers=wrong_answers(module), token=issue_quiz_token(user=user, module=module),
        course=course,
    )
    pass_module(user, module, course)


@pytest.fixture
def course_and_modules(db):
    return make_course(modules=8, questions=2)


def _backdate_learner(user, when: dt.datetime, course, modules):
    """A learner of a past year: signed up, started and passed module 1 about `when`."""
    record_module_view(user=user, module=modules[0], course=course)
    pass_module(user, modules[0], course)
    User.objects.filter(pk=user.pk).update(date_joined=when)
    Enrolment.objects.filter(user=user).update(started_at=when)
    ModuleProgress.objects.filter(user=user).update(first_viewed_at=when, passed_at=when + dt.timedelta(days=3))
    QuizAttempt.objects.filter(user=user).update(submitted_at=when + dt.timedelta(days=3))


def test_rollups_equal_raw_counts_after_mixed_actions(course_and_modules):
    course, modules = course_and_modules
    module_ids = [m.pk for m in modules]
    old = timezone.now() - dt.timedelta(days=400)
    veteran = UserFactory(profile__municipality=Municipality.objects.get(code=KYOTO_WARD), profile__age_band="60s")
    _backdate_learner(veteran, old, course, modules)
    refresh.rebuild_all()

    tottori = Municipality.objects.get(code=TOTTORI_CITY)
    online = UserFactory(profile__municipality=tottori, profile__occupation="education", profile__age_band="20s")
    partial = UserFactory(profile__municipality=Municipality.objects.get(code=KYOTO_WARD))
    tokyo = UserFactory(profile__municipality=Municipality.objects.get(code=CHIYODA), profile__occupation="student")
    attendee = UserFactory(profile__municipality=tottori, profile__age_band="70s")
    browser = UserFactory(profile__municipality=tottori)
    UserFactory(profile=False)  # staff without a profile: never counted

    record_module_view(user=browser, module=modules[0], course=course)  # starts without any quiz (no signal)
    for n, module in enumerate(modules):
        (_fail_then_pass if n in (0, 3) else pass_module)(online, module, course)
    _fail_then_pass(partial, modules[0], course)
    pass_module(partial, modules[1], course)
    pass_module(tokyo, modules[0], course)
    workshop = make_workshop(starts_in=dt.timedelta(days=1), capacity=5)
    registration = register_for_workshop(workshop=workshop, user=attendee)
    now = timezone.now()  # the day comes
    WorkshopPage.objects.filter(pk=workshop.pk).update(starts_at=now - dt.timedelta(hours=1), ends_at=now)
    set_attendance(registration=registration, attended=True, by=None)
    complete_course(user=attendee, course=course, channel=Channel.WORKSHOP, workshop=workshop)
    for name, city, consent in (("紙野 ハナ", KYOTO_WARD, True), ("紙野 イチ", TOTTORI_CITY, False)):  # issue 17.3
        add_paper_participant(
            workshop=WorkshopPage.objects.get(pk=workshop.pk), by=None, full_name=name, furigana=name,
            municipality=Municipality.objects.get(code=city), age_band="80plus", occupation="", consent_statistics=consent,
        )  # fmt: skip
    make_workshop(starts_in=dt.timedelta(days=3))  # not held yet: not counted

    assert DirtyLearner.objects.exists()
    refresh.refresh()
    assert not DirtyLearner.objects.exists()
    assert selectors.figures(selectors.area_for_municipality(TOTTORI_CITY), selectors.current_fiscal_year()).completed_online == 1
    assert_rollups_match_raw(module_ids)

    # A move (with its past months), withdrawn consent, a deleted account, a revoked certificate.
    update_learner_profile(profile=online.profile, municipality=Municipality.objects.get(code=KYOTO_CITY))
    update_learner_profile(profile=veteran.profile, municipality=tottori)
    update_learner_profile(profile=partial.profile, consent_statistics=False)
    delete_account(user=User.objects.get(pk=tokyo.pk))
    revoke_certificate(certificate=Certificate.objects.get(holder=attendee), reason="誤って発行したため")
    refresh.refresh()
    assert_rollups_match_raw(module_ids)
    kyoto = selectors.figures(selectors.area_for_municipality(KYOTO_CITY), selectors.current_fiscal_year())
    assert kyoto.completed_online == 1 and kyoto.registered == 1  # `online` moved in; `partial` withdrew

    refreshed = {model: _rows(model) for model in (CityLearnerMonth, PrefectureLearnerMonth, NationLearnerMonth, CityQuizYear)}
    refresh.rebuild_all()
    refresh.rebuild_all()  # idempotent
    assert {model: _rows(model) for model in refreshed} == refreshed


def test_refresh_twice_changes_nothing(course_and_modules):
    course, modules = course_and_modules
    learner = UserFactory()
    pass_module(learner, modules[0], course)
    refresh.refresh()
    before = _rows(CityLearnerMonth)
    assert before
    refresh.refresh()
    assert _rows(CityLearnerMonth) == before


def test_refresh_runs_every_minute_from_beat(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "lms.reports.tasks.refresh_report_rollups")
    assert entry["schedule"] <= 60


def test_completion_shows_after_the_scheduled_job(course_and_modules):
    from lms.reports.tasks import refresh_report_rollups

    course, modules = course_and_modules
    refresh.rebuild_all()
    learner = UserFactory()
    for module in modules:
        pass_module(learner, module, course)
    refresh_report_rollups.delay()  # what beat runs each minute (eager in tests)
    figures = selectors.figures(selectors.area_for_municipality(TOTTORI_CITY), selectors.current_fiscal_year())
    assert figures.completed_online == 1 and figures.certificates_valid == 1 and figures.module_passed == dict.fromkeys([m.pk for m in modules], 1)


def test_withdrawing_consent_leaves_every_count(course_and_modules):
    course, modules = course_and_modules
    learner = UserFactory()
    pass_module(learner, modules[0], course)
    refresh.refresh()
    update_learner_profile(profile=learner.profile, consent_statistics=False)
    refresh.refresh()
    assert not CityLearnerMonth.objects.exclude(registered=0, started=0).exists()
    assert not CityModuleMonth.objects.filter(passed__gt=0).exists()
    assert not CityQuizYear.objects.filter(first_attempts__gt=0).exists()


@pytest.mark.django_db
def test_scan_of_newest_rows_finds_every_recent_row_whatever_the_window():
    DirtyLearner.objects.bulk_create([DirtyLearner(user_id=n) for n in range(1, 1001)])
    now = timezone.now()
    DirtyLearner.objects.update(marked_at=now - dt.timedelta(days=1))
    newest = list(DirtyLearner.objects.order_by("-pk").values_list("pk", flat=True)[:600])
    DirtyLearner.objects.filter(pk__in=newest).update(marked_at=now)  # more than the first window of 256
    found = refresh.recent_user_ids(DirtyLearner.objects.all(), "user_id", "marked_at", now - dt.timedelta(minutes=1))
    assert found == set(DirtyLearner.objects.filter(pk__in=newest).values_list("user_id", flat=True))
    assert refresh.recent_user_ids(DirtyLearner.objects.none(), "user_id", "marked_at", now) == set()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rebuild_command_and_task_run_outside_a_transaction():
    """The nightly task and `manage.py rebuild_report_rollups` call rebuild_all() with no transaction open; its
    row lock (select_for_update) needs one — on PostgreSQL this failed before rebuild_all opened its own."""
    from django.core.management import call_command

    from lms.reports.tasks import rebuild_report_rollups

    call_command("rebuild_report_rollups")
    rebuild_report_rollups()
