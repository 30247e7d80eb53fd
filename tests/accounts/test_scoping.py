import pytest
from django.contrib.auth.models import AnonymousUser

from lms.accounts.enums import Role
from lms.accounts.models import LearnerProfile
from lms.accounts.scoping import can_access_region, region_scope
from lms.accounts.services import assign_role
from lms.regions.models import Municipality, Prefecture
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tottori_pref():
    return Prefecture.objects.get(code="31")


@pytest.fixture
def tottori_city():
    return Municipality.objects.get(code="312011")


@pytest.fixture
def kyoto_city():
    return Municipality.objects.get(code="261009")


def test_prefecture_officer_sees_prefecture_and_its_municipalities_only(tottori_pref, tottori_city, kyoto_city):
    officer = UserFactory()
    assign_role(user=officer, role=Role.OFFICER, prefecture=tottori_pref)
    assert can_access_region(officer, role=Role.OFFICER, prefecture=tottori_pref)
    assert can_access_region(officer, role=Role.OFFICER, municipality=tottori_city)
    assert not can_access_region(officer, role=Role.OFFICER, municipality=kyoto_city)
    assert not can_access_region(officer, role=Role.OFFICER, prefecture="26")
    assert not can_access_region(officer, role=Role.OFFICER)  # the nation


def test_city_officer_sees_only_the_city_and_its_wards(tottori_city, kyoto_city):
    officer = UserFactory()
    assign_role(user=officer, role=Role.OFFICER, municipality=kyoto_city)
    ward = Municipality.objects.get(name="京都市北区")
    assert can_access_region(officer, role=Role.OFFICER, municipality=kyoto_city)
    assert can_access_region(officer, role=Role.OFFICER, municipality=ward)
    assert not can_access_region(officer, role=Role.OFFICER, municipality=tottori_city)
    assert not can_access_region(officer, role=Role.OFFICER, prefecture="26")  # not the whole prefecture


def test_national_officer_sees_everything(tottori_city):
    officer = UserFactory()
    assign_role(user=officer, role=Role.OFFICER, is_national=True)
    assert can_access_region(officer, role=Role.OFFICER)
    assert can_access_region(officer, role=Role.OFFICER, municipality=tottori_city)


def test_a_role_gives_no_scope_in_another_role(tottori_city):
    trainer = UserFactory()
    assign_role(user=trainer, role=Role.TRAINER, municipality=tottori_city)
    assert can_access_region(trainer, role=Role.TRAINER, municipality=tottori_city)
    assert not can_access_region(trainer, role=Role.OFFICER, municipality=tottori_city)


def test_users_without_roles_and_anonymous_have_no_scope(tottori_city):
    assert region_scope(UserFactory(), Role.OFFICER).is_empty
    assert region_scope(AnonymousUser(), Role.OFFICER).is_empty
    assert not can_access_region(AnonymousUser(), role=Role.OFFICER, municipality=tottori_city)


def test_filter_queryset_narrows_rows_to_the_scope(tottori_city, kyoto_city):
    UserFactory(profile__municipality=tottori_city)
    UserFactory(profile__municipality=kyoto_city)
    UserFactory(profile__municipality=Municipality.objects.get(name="京都市北区"))
    city_officer = UserFactory(profile__municipality=tottori_city)
    assign_role(user=city_officer, role=Role.OFFICER, municipality=kyoto_city)
    scoped = region_scope(city_officer, Role.OFFICER).filter_queryset(LearnerProfile.objects.all())
    assert set(scoped.values_list("municipality__name", flat=True)) == {"京都市", "京都市北区"}
    nobody = region_scope(UserFactory(), Role.OFFICER).filter_queryset(LearnerProfile.objects.all())
    assert nobody.count() == 0


def test_role_scope_rules_are_validated(tottori_pref, tottori_city):
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError):
        assign_role(user=user, role=Role.OFFICER)  # no scope at all
    with pytest.raises(ValidationError):
        assign_role(user=user, role=Role.OFFICER, prefecture=tottori_pref, municipality=tottori_city)
    with pytest.raises(ValidationError):
        assign_role(user=user, role=Role.TRAINER, is_national=True)
    with pytest.raises(ValidationError):
        assign_role(user=user, role=Role.OFFICER, municipality=Municipality.objects.get(name="京都市北区"))


def test_assigning_a_role_adds_the_wagtail_group_and_revoking_removes_it(tottori_city):
    from lms.accounts.services import revoke_role

    user = UserFactory()
    assignment = assign_role(user=user, role=Role.TRAINER, municipality=tottori_city)
    assert user.groups.filter(name="講師").exists()
    assert user.has_perm("wagtailadmin.access_admin")
    assert assign_role(user=user, role=Role.TRAINER, municipality=tottori_city) == assignment  # idempotent
    revoke_role(assignment=assignment)
    assert not user.groups.filter(name="講師").exists()
