"""Demo users, one per role, for `make run` (listed in README.md). Idempotent; only where DEMO_DATA_ALLOWED."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.db import transaction

from lms.regions.models import Municipality, Prefecture

from .enums import EDITOR_GROUP, MODERATOR_GROUP, AgeBand, OccupationField, OrganisationKind, Role
from .models import LearnerProfile, Organisation, User
from .services import assign_role, create_learner_profile

DEMO_PASSWORD = "tsunagari-demo-2026"  # noqa: S105  (documented demo credential; never in production)
# Every demo staff account shares this TOTP secret; `manage.py demo_totp_code` prints the current code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105

TOTTORI_CITY = "312011"
KYOTO_CITY = "261009"
KUMAMOTO_CITY = "431001"


def _user(email: str, *, full_name: str, furigana: str, municipality: str, staff_mfa: bool, **flags) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, **flags)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if not LearnerProfile.objects.filter(user=user).exists():
        create_learner_profile(
            user=user,
            full_name=full_name,
            furigana=furigana,
            municipality=Municipality.objects.get(code=municipality),
            age_band=AgeBand.AGE_40S,
            occupation=OccupationField.GOVERNMENT if staff_mfa else OccupationField.BUSINESS,
        )
    if staff_mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


@transaction.atomic
def seed_users() -> list[str]:
    if not Prefecture.objects.exists():
        raise RuntimeError("地域データがありません。先に `manage.py load_regions` を実行してください。")
    _user(
        "admin@example.jp",
        full_name="管理 太郎",
        furigana="かんり たろう",
        municipality=TOTTORI_CITY,
        staff_mfa=True,
        is_staff=True,
        is_superuser=True,
    )
    _user("learner@example.jp", full_name="受講 花子", furigana="じゅこう はなこ", municipality=TOTTORI_CITY, staff_mfa=False)

    trainer = _user(
        "trainer@example.jp", full_name="講師 一郎", furigana="こうし いちろう", municipality=TOTTORI_CITY, staff_mfa=True
    )
    assign_role(user=trainer, role=Role.TRAINER, municipality=Municipality.objects.get(code=TOTTORI_CITY))
    trainer_kyoto = _user(
        "trainer-kyoto@example.jp", full_name="講師 京子", furigana="こうし きょうこ", municipality=KYOTO_CITY, staff_mfa=True
    )
    assign_role(user=trainer_kyoto, role=Role.TRAINER, municipality=Municipality.objects.get(code=KYOTO_CITY))

    pref_officer = _user(
        "officer-tottori@example.jp", full_name="鳥取 県子", furigana="とっとり けんこ", municipality=TOTTORI_CITY, staff_mfa=True
    )
    assign_role(user=pref_officer, role=Role.OFFICER, prefecture=Prefecture.objects.get(code="31"))
    city_officer = _user(
        "officer-tottori-city@example.jp",
        full_name="鳥取 市郎",
        furigana="とっとり しろう",
        municipality=TOTTORI_CITY,
        staff_mfa=True,
    )
    assign_role(user=city_officer, role=Role.OFFICER, municipality=Municipality.objects.get(code=TOTTORI_CITY))
    kyoto_officer = _user(
        "officer-kyoto-city@example.jp", full_name="京都 市子", furigana="きょうと いちこ", municipality=KYOTO_CITY, staff_mfa=True
    )
    assign_role(user=kyoto_officer, role=Role.OFFICER, municipality=Municipality.objects.get(code=KYOTO_CITY))
    national = _user(
        "officer-national@example.jp", full_name="全国 担当", furigana="ぜんこく たんとう", municipality=TOTTORI_CITY, staff_mfa=True
    )
    assign_role(user=national, role=Role.OFFICER, is_national=True)

    for email, name, furigana, group in (
        ("editor@example.jp", "編集 広子", "へんしゅう ひろこ", EDITOR_GROUP),
        ("moderator@example.jp", "承認 正", "しょうにん ただし", MODERATOR_GROUP),
    ):
        user = _user(email, full_name=name, furigana=furigana, municipality=KUMAMOTO_CITY, staff_mfa=True)
        user.groups.add(Group.objects.get(name=group))

    organisation, _ = Organisation.objects.get_or_create(
        name="株式会社つながり商事（デモ）",
        defaults={"kind": OrganisationKind.EMPLOYER, "prefecture": Prefecture.objects.get(code="31")},
    )
    employer = _user(
        "employer@example.jp", full_name="人事 広", furigana="じんじ ひろし", municipality=TOTTORI_CITY, staff_mfa=True
    )
    assign_role(user=employer, role=Role.EMPLOYER_ADMIN, organisation=organisation)
    return [f"デモユーザー: {User.objects.filter(email__endswith='@example.jp').count()} 人（パスワード {DEMO_PASSWORD}）"]
