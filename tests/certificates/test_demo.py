import pytest
from django.core.management import call_command

from certificates.models import Certificate
from lms.accounts.models import User

from .factories import make_course

pytestmark = pytest.mark.django_db


def test_seed_demo_issues_the_demo_supporter_one_certificate_and_is_idempotent(capsys):
    make_course()
    call_command("seed_demo")
    call_command("seed_demo")
    supporter = User.objects.get(email="supporter@example.jp")
    assert Certificate.objects.filter(holder=supporter).count() == 1
    assert supporter.profile.employer.name == "株式会社つながり商事（デモ）"
    assert "修了証のデモ" in capsys.readouterr().out
