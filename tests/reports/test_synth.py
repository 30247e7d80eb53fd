"""synth_learners makes real rows that the roll-ups count exactly, spreads them over the country, is refused where
demo data is not allowed, and --delete removes every synthetic row."""

import base64
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from certificates.models import Certificate
from courses.models import Enrolment, ModuleProgress, QuizAttempt
from devtools import synth
from devtools.synth import PREFECTURE_WEIGHTS
from lms.accounts.models import LearnerProfile, User
from lms.reports import selectors
from lms.reports.models import CityLearnerMonth
from tests.accounts.factories import UserFactory
from tests.courses.factories import make_course
from tests.reports.rawcounts import figures_as_raw, raw_figures

COUNT = 600


@pytest.fixture
def course_and_modules(db):
    return make_course(modules=8, questions=3)


def _drop(found):
    return {name: {k: v for k, v in counter.items() if v} for name, counter in found.items()}


def test_synthetic_learners_are_counted_exactly(course_and_modules, settings):
    settings.DEMO_DATA_ALLOWED = True
    course, modules = course_and_modules
    call_command("synth_learners", count=COUNT, seed=7, batch_size=250)
    assert User.objects.filter(email__endswith="@synth.invalid").count() == COUNT
    assert LearnerProfile.objects.count() == COUNT
    # A funnel: fewer pass each later module; some fail their first attempt; some complete at a workshop.
    passed = [ModuleProgress.objects.filter(module=m, passed_at__isnull=False).count() for m in modules]
    assert passed[0] > passed[-1] > 0 and passed == sorted(passed, reverse=True)
    assert QuizAttempt.objects.filter(passed=False).exists()
    assert Enrolment.objects.filter(channel="workshop").exists()
    assert Certificate.objects.count() == Enrolment.objects.filter(completed_at__isnull=False).count()
    assert len({p.municipality.prefecture_id for p in LearnerProfile.objects.select_related("municipality")}) > 30

    module_ids = [m.pk for m in modules]
    for fy in selectors.fiscal_years_available():
        for area in (selectors.area_for_nation(), selectors.area_for_prefecture("13"),
                     selectors.area_for_municipality("131016")):  # fmt: skip
            expected = _drop(raw_figures(area, fy, module_ids))
            got = figures_as_raw(selectors.figures(area, fy), selectors.quiz_first_attempts(area, fy))
            assert got == expected, (area.name, fy)


def test_delete_removes_only_synthetic_learners(course_and_modules, settings):
    settings.DEMO_DATA_ALLOWED = True
    real = UserFactory()
    call_command("synth_learners", count=50, seed=1)
    call_command("synth_learners", delete=True)
    assert list(User.objects.values_list("pk", flat=True)) == [real.pk]
    assert not QuizAttempt.objects.exists() and not Certificate.objects.exists()
    assert CityLearnerMonth.objects.filter(registered__gt=0).count() == 1  # the real learner only


def test_refused_when_demo_data_is_not_allowed(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    for options in ({"count": 10}, {"count": 10, "force": True}, {"delete": True}):
        with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
            call_command("synth_learners", **options)
    with pytest.raises(synth.SyntheticDataRefused):  # the generator itself, whoever calls it (seeders, benchmarks)
        synth.synthesise(count=1)
    assert not User.objects.exists()


def test_refused_under_production_settings_even_with_force(db, settings):
    settings.SETTINGS_MODULE = "lms.settings.production"  # DEMO_DATA_ALLOWED is True in the test settings
    with pytest.raises(CommandError, match="本番"):
        call_command("synth_learners", count=10, force=True)
    assert not User.objects.exists()


def test_the_command_does_not_exist_with_the_production_settings(tmp_path):
    """manage.py with lms.settings.production: devtools is not installed, so synth_learners is unknown."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "CACHE_URL": "redis://127.0.0.1:6379/14",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        "ALLOWED_HOSTS": "tsunagari.example.jp",
        "SITE_URL": "https://tsunagari.example.jp",
        "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
        "CERTIFICATE_SIGNING_KEY": base64.b64encode(b"k" * 32).decode(),
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", "synth_learners", "--count", "5", "--force"],
        cwd=settings_dir(),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Unknown command: 'synth_learners'" in done.stderr
    assert not (tmp_path / "production.sqlite3").exists() or (tmp_path / "production.sqlite3").stat().st_size == 0


def settings_dir() -> str:
    from django.conf import settings

    return str(settings.BASE_DIR)


def test_weights_cover_every_prefecture():
    assert sorted(PREFECTURE_WEIGHTS) == [f"{n:02d}" for n in range(1, 48)]


def test_copies_made_in_sql_are_whole_learners_counted_exactly(course_and_modules, settings):
    """Beyond `python_at_most` learners, synthesise() copies learners in SQL: every copy has its original's rows
    (times, progress, attempts, certificate) under a new id with unique texts, its place, age band and occupation
    drawn again from the synthetic learners' own; the roll-ups count originals and copies exactly."""
    from django.db import connection

    from devtools import synth

    if connection.vendor != "postgresql":
        pytest.skip("bulk copies are made in PostgreSQL's SQL")
    settings.DEMO_DATA_ALLOWED = True
    course, modules = course_and_modules
    made = synth.synthesise(count=400, seed=3, batch_size=100, python_at_most=100)
    assert made == 400
    synthetic = User.objects.filter(email__endswith="@synth.invalid")
    assert synthetic.count() == 400 and synth.synthetic_count(originals_only=True) == 100
    copies = synthetic.filter(email__startswith="c")
    assert copies.count() == 300
    originals = sorted(synthetic.exclude(email__startswith="c").values_list("pk", flat=True))
    for copy_index, copy in enumerate(copies.order_by("pk")[:50]):
        source = User.objects.get(pk=originals[copy_index % 100])
        assert copy.date_joined == source.date_joined and copy.is_active == source.is_active
        for model, field in ((Enrolment, "user"), (ModuleProgress, "user"), (QuizAttempt, "user"),
                             (Certificate, "holder")):  # fmt: skip
            mine = model.objects.filter(**{field: copy}).count()
            assert mine == model.objects.filter(**{field: source}).count(), model
    # Places are drawn again, not copied: many copies live elsewhere than their originals.
    moved = sum(
        LearnerProfile.objects.get(user=c).municipality_id
        != LearnerProfile.objects.get(user_id=originals[i % 100]).municipality_id
        for i, c in enumerate(copies.order_by("pk")[:100])
    )
    assert moved > 50
    assert len(set(QuizAttempt.objects.values_list("token", flat=True))) == QuizAttempt.objects.count()
    assert len(set(Certificate.objects.values_list("number", flat=True))) == Certificate.objects.count()

    from lms.reports import refresh

    refresh.rebuild_all()
    module_ids = [m.pk for m in modules]
    for fy in selectors.fiscal_years_available():
        for area in (selectors.area_for_nation(), selectors.area_for_prefecture("13")):
            expected = _drop(raw_figures(area, fy, module_ids))
            got = figures_as_raw(selectors.figures(area, fy), selectors.quiz_first_attempts(area, fy))
            assert got == expected, (area.name, fy)


def test_copies_with_other_seeds_draw_other_places(course_and_modules, settings):
    """Two batches of copies made with different seeds draw their places independently (a seed reduced modulo
    1,000 gave every 500,000-copy chunk of a run, e.g. seeds 1 and 1,001, the very same draws: the copies of the
    3,000,000-learner benchmark only repeated the cells of the first million)."""
    from django.db import connection

    from devtools import synth

    if connection.vendor != "postgresql":
        pytest.skip("bulk copies are made in PostgreSQL's SQL")
    settings.DEMO_DATA_ALLOWED = True
    synth.synthesise(count=100, seed=3, batch_size=100, python_at_most=100)

    def places_of_new_copies(seed):
        before = set(User.objects.values_list("pk", flat=True))
        synth.clone_synthetic(100, seed=seed)
        return list(
            LearnerProfile.objects.exclude(user_id__in=before).order_by("user_id").values_list("municipality_id", flat=True)
        )

    assert places_of_new_copies(1) != places_of_new_copies(1001)
