"""Organisation accounts: employer admins get an invite code; staff link themselves (and can unlink); the admin sees
only their own organisation's linked staff and their certification status."""

import pytest

from certificates import messages
from certificates.models import OrganisationInvite
from certificates.services import CertificateError, link_to_organisation, rotate_invite
from lms.accounts.enums import OrganisationKind, Role
from lms.accounts.models import Organisation
from lms.accounts.services import assign_role
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return Organisation.objects.create(name="株式会社テスト", kind=OrganisationKind.EMPLOYER)


@pytest.fixture
def employer_admin(organisation):
    user = UserFactory()
    assign_role(user=user, role=Role.EMPLOYER_ADMIN, organisation=organisation)
    give_totp(user)
    return user


def test_admin_sees_the_invite_code_and_linked_staff_with_status(client, organisation, employer_admin):
    certified = UserFactory(profile__full_name="修了 一子")
    CertificateFactory(holder=certified)
    uncertified = UserFactory(profile__full_name="未修 二郎")
    not_linked = UserFactory(profile__full_name="無関係 三子")
    CertificateFactory(holder=not_linked)
    client.force_login(employer_admin)
    code = client.get(f"/employers/{organisation.pk}/").context["invite"].code
    for member in (certified, uncertified):
        link_to_organisation(user=member, code=code.lower().replace("-", ""), consent_to_share=True)

    response = client.get(f"/employers/{organisation.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert code in body
    assert "修了 一子" in body and "未修 二郎" in body
    assert "無関係 三子" not in body
    assert "連携している職員（2人、うち修了 1人）" in body


def test_admin_of_another_organisation_gets_403_and_no_data(client, organisation):
    CertificateFactory(holder=UserFactory(profile__full_name="秘密 花子", profile__employer=organisation, profile__consent_employer_share=True))
    other = Organisation.objects.create(name="他社", kind=OrganisationKind.EMPLOYER)
    outsider = UserFactory()
    assign_role(user=outsider, role=Role.EMPLOYER_ADMIN, organisation=other)
    give_totp(outsider)
    client.force_login(outsider)
    response = client.get(f"/employers/{organisation.pk}/")
    assert response.status_code == 403
    assert "秘密 花子" not in response.content.decode()
    assert client.get("/employers/").status_code == 302  # to their own organisation only


def test_a_learner_without_the_role_cannot_open_the_page(client, organisation):
    client.force_login(UserFactory())
    assert client.get(f"/employers/{organisation.pk}/").status_code == 403
    assert client.get("/employers/").status_code == 403


def test_admin_without_mfa_is_sent_to_set_it_up(client, organisation):
    user = UserFactory()
    assign_role(user=user, role=Role.EMPLOYER_ADMIN, organisation=organisation)
    client.force_login(user)
    response = client.get(f"/employers/{organisation.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/mypage/security/enrol/?next=/employers/{organisation.pk}/"


def test_learner_links_and_unlinks_from_mypage(client, organisation, employer_admin):
    invite = rotate_invite(organisation=organisation)
    member = UserFactory()
    client.force_login(member)
    response = client.post("/organisation/link/", {"code": invite.code, "consent_to_share": "on"})
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.employer == organisation and member.profile.consent_employer_share
    assert "株式会社テストと連携しています" in client.get("/mypage/").content.decode()

    client.post("/organisation/unlink/", {"confirm": "yes"})
    member.profile.refresh_from_db()
    assert member.profile.employer is None and not member.profile.consent_employer_share
    client.force_login(employer_admin)
    assert client.get(f"/employers/{organisation.pk}/").context["members"] == []


def test_a_wrong_code_is_refused_with_a_message_and_changes_nothing(client, organisation):
    rotate_invite(organisation=organisation)
    member = UserFactory()
    with pytest.raises(CertificateError) as excinfo:
        link_to_organisation(user=member, code="ZZZZZ-ZZZZZ", consent_to_share=True)
    assert excinfo.value.message == messages.INVITE_CODE_INVALID
    client.force_login(member)
    response = client.post("/organisation/link/", {"code": "nope", "consent_to_share": "on"}, follow=True)
    assert str(messages.INVITE_CODE_INVALID) in response.content.decode()
    member.profile.refresh_from_db()
    assert member.profile.employer is None


def test_a_new_code_retires_the_old_one_and_linked_staff_stay(client, organisation, employer_admin):
    old = rotate_invite(organisation=organisation).code
    member = UserFactory()
    link_to_organisation(user=member, code=old, consent_to_share=True)
    client.force_login(employer_admin)
    client.post(f"/employers/{organisation.pk}/")
    new = OrganisationInvite.objects.get(organisation=organisation).code
    assert new != old
    with pytest.raises(CertificateError):
        link_to_organisation(user=UserFactory(), code=old, consent_to_share=True)
    member.profile.refresh_from_db()
    assert member.profile.employer == organisation


# --- Consent and confirmation (issue 16 §4) ------------------------------------------------------------------------


def test_linking_without_the_sharing_consent_is_refused_everywhere_and_changes_nothing(client, organisation, employer_admin):
    invite = rotate_invite(organisation=organisation)
    member = UserFactory()
    for consent in (False, None, "on"):  # the service takes only an explicit True
        with pytest.raises(CertificateError) as excinfo:
            link_to_organisation(user=member, code=invite.code, consent_to_share=consent)
        assert excinfo.value.message == messages.SHARE_CONSENT_REQUIRED
    client.force_login(member)
    page = client.get("/mypage/").content.decode()
    assert 'name="consent_to_share"' in page and 'name="consent_to_share" checked' not in page  # not pre-ticked
    response = client.post("/organisation/link/", {"code": invite.code}, follow=True)
    assert str(messages.SHARE_CONSENT_REQUIRED) in response.content.decode()
    member.profile.refresh_from_db()
    assert member.profile.employer is None and not member.profile.consent_employer_share
    client.force_login(employer_admin)
    assert client.get(f"/employers/{organisation.pk}/").context["members"] == []


def test_unlinking_asks_for_confirmation_first(client, organisation):
    invite = rotate_invite(organisation=organisation)
    member = UserFactory()
    link_to_organisation(user=member, code=invite.code, consent_to_share=True)
    client.force_login(member)
    for response in (client.get("/organisation/unlink/"), client.post("/organisation/unlink/")):
        body = response.content.decode()
        assert response.status_code == 200
        assert "団体との連携を解除しますか" in body and "株式会社テスト" in body
        assert 'name="confirm" value="yes"' in body
        member.profile.refresh_from_db()
        assert member.profile.employer == organisation  # nothing changed yet
    client.post("/organisation/unlink/", {"confirm": "yes"})
    member.profile.refresh_from_db()
    assert member.profile.employer is None and not member.profile.consent_employer_share


def test_withdrawing_the_consent_in_the_profile_ends_the_link(organisation):
    from lms.accounts.services import update_learner_profile

    invite = rotate_invite(organisation=organisation)
    member = UserFactory()
    link_to_organisation(user=member, code=invite.code, consent_to_share=True)
    update_learner_profile(profile=member.profile, consent_employer_share=False)
    member.profile.refresh_from_db()
    assert member.profile.employer is None and not member.profile.consent_employer_share
    # Ticking the box with no organisation consents to nothing.
    update_learner_profile(profile=member.profile, consent_employer_share=True)
    member.profile.refresh_from_db()
    assert not member.profile.consent_employer_share
