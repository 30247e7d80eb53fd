"""Report figures written straight into the roll-up tables, so screen tests control every count exactly (the
roll-ups themselves are tested against the raw rows in test_rollups.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from lms.accounts.enums import Role
from lms.accounts.services import assign_role
from lms.regions.models import Municipality, Prefecture
from lms.reports.models import (
    CityLearnerMonth,
    CityModuleMonth,
    CityWorkshopMonth,
    MunicipalityPopulation,
    NationLearnerMonth,
    PrefectureLearnerMonth,
    PrefectureModuleMonth,
)
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp

TOTTORI_PREF = "31"
TOTTORI_CITY = "312011"
YONAGO_CITY = "312029"
KURAYOSHI_CITY = "312037"
SAKAIMINATO_CITY = "312045"
KYOTO_PREF = "26"
KYOTO_CITY = "261009"
FY = 2026


def month(m: int, fy: int = FY) -> dt.date:
    return dt.date(fy + (m < 4), m, 1)


def module_id(number: int) -> int:
    """The page id of the course's live module at position `number` (第N章)."""
    from lms.reports.compute import course_modules

    return course_modules()[1][number - 1]


def add_learners(city: str, when: dt.date, *, age_band="40s", occupation="", **counts) -> None:
    """Add counts (registered, started, completed_online, completed_workshop, certificates_valid, and passed_N: the
    passes of the course's N-th module, stored under its id) to one cell of a city, its prefecture and the nation."""
    prefecture = Municipality.objects.get(code=city).prefecture_id
    for name in [k for k in counts if k.startswith("passed_")]:
        passed, module = counts.pop(name), module_id(int(name.removeprefix("passed_")))
        for model, keys in (
            (CityModuleMonth, {"municipality_code": city, "prefecture_code": prefecture}),
            (PrefectureModuleMonth, {"prefecture_code": prefecture}),
        ):
            row, _ = model.objects.get_or_create(month=when, module_id=module, **keys)
            model.objects.filter(pk=row.pk).update(passed=F("passed") + passed)
    for model, keys in (
        (CityLearnerMonth, {"municipality_code": city, "prefecture_code": prefecture}),
        (PrefectureLearnerMonth, {"prefecture_code": prefecture}),
        (NationLearnerMonth, {}),
    ):
        row, _ = model.objects.get_or_create(month=when, age_band=age_band, occupation=occupation, **keys)
        model.objects.filter(pk=row.pk).update(**{k: F(k) + v for k, v in counts.items()})


def add_workshops(city: str, when: dt.date, *, held: int, attendance: int) -> None:
    prefecture = Municipality.objects.get(code=city).prefecture_id
    CityWorkshopMonth.objects.create(
        month=when,
        prefecture_code=prefecture,
        municipality_code=city,
        workshops_held=held,
        attendance=attendance,
    )


def set_population(city: str, population: int) -> None:
    municipality = Municipality.objects.get(code=city)
    MunicipalityPopulation.objects.update_or_create(
        municipality=municipality,
        defaults={
            "prefecture_code": municipality.prefecture_id,
            "population": population,
            "as_of": dt.date(2026, 1, 1),
            "source": "テスト",
        },
    )


def staff(role: str | None = None, **scope):
    """A user with TOTP (so the admin's MFA gate lets them in) and, if given, a role with a scope."""
    user = UserFactory()
    give_totp(user)
    if role:
        if "prefecture" in scope:
            scope["prefecture"] = Prefecture.objects.get(code=scope["prefecture"])
        if "municipality" in scope:
            scope["municipality"] = Municipality.objects.get(code=scope["municipality"])
        assign_role(user=user, role=role, **scope)
    return user


def officer(**scope):
    return staff(Role.OFFICER, **scope)
