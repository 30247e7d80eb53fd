"""Demo data for `seed_demo` (development only): a supporter who completed the course online and holds a
certificate, linked to the demo employer organisation. Idempotent; runs after lms.accounts.demo.seed_users."""

from __future__ import annotations

from django.db import transaction

from courses.enums import Channel
from courses.selectors import get_primary_course
from courses.services import complete_course
from lms.accounts.demo import DEMO_PASSWORD, TOTTORI_CITY, _user
from lms.accounts.models import Organisation

from .models import Certificate
from .services import get_or_create_invite, link_to_organisation

SUPPORTER_EMAIL = "supporter@example.jp"
DEMO_ORGANISATION = "株式会社つながり商事（デモ）"


def seed_certificates() -> list[str]:
    course = get_primary_course()
    if course is None:
        return ["修了証のデモ: 講座がないため省略しました（先に `manage.py seed_course` を実行してください）。"]
    with transaction.atomic():
        supporter = _user(
            SUPPORTER_EMAIL, full_name="繋 良子", furigana="つなぎ よしこ", municipality=TOTTORI_CITY, staff_mfa=False
        )
        complete_course(user=supporter, course=course, channel=Channel.ONLINE)
        organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
        lines = []
        if organisation is not None:
            invite = get_or_create_invite(organisation=organisation)
            if supporter.profile.employer_id != organisation.pk:
                link_to_organisation(user=supporter, code=invite.code, consent_to_share=True)
            lines.append(f"団体「{organisation.name}」の招待コード: {invite.code}")
    certificate = Certificate.objects.valid().get(holder=supporter, course=course)
    return [
        f"修了証のデモ: {SUPPORTER_EMAIL}（パスワード {DEMO_PASSWORD}）の修了証 {certificate.number}",
        *lines,
    ]
