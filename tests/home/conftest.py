from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from home.services import seed_site
from lms.accounts.enums import EDITOR_GROUP, MODERATOR_GROUP
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp

TOKYO = ZoneInfo("Asia/Tokyo")


def tokyo(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)


@pytest.fixture
def site_pages(db):
    """Consultation windows, /campaign/ and the standard pages, as `manage.py seed_site` makes them."""
    seed_site()


def _staff_in(group_name: str, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    give_totp(user)
    return user


@pytest.fixture
def editor(db):
    return _staff_in(EDITOR_GROUP, email="editor@example.jp")


@pytest.fixture
def moderator(db):
    return _staff_in(MODERATOR_GROUP, email="moderator@example.jp")
