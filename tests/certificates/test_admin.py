"""Staff revocation in the Wagtail admin: permission, required reason, who and when kept, re-issue afterwards."""

import pytest
from django.contrib.auth.models import Group, Permission

from certificates import messages
from certificates.models import Certificate
from lms.accounts.enums import EDITOR_GROUP
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp

from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    user = UserFactory()
    group = Group.objects.create(name="修了証担当")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_certificate"),
        Permission.objects.get(codename="revoke_certificate"),
    )
    user.groups.add(group)
    give_totp(user)
    return user


def test_staff_revoke_with_a_reason_and_the_page_flips(client, staff):
    certificate = CertificateFactory()
    client.force_login(staff)
    listing = client.get("/admin/certificates/", {"q": certificate.number.lower()})
    assert certificate.number in listing.content.decode()
    unconfirmed = client.post(f"/admin/certificates/{certificate.pk}/", {"reason": "本人確認に誤り"})
    assert unconfirmed.status_code == 200
    assert str(messages.REVOKE_CONFIRM_REQUIRED) in unconfirmed.content.decode()
    certificate.refresh_from_db()
    assert certificate.is_valid  # a confirmation is needed before an irreversible revocation
    response = client.post(f"/admin/certificates/{certificate.pk}/", {"reason": "本人確認に誤り", "confirm": "on"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_by == staff and certificate.revoked_reason == "本人確認に誤り"
    assert "失効した修了証です" in client.get(f"/verify/{certificate.number}/").content.decode()


def test_revoking_without_a_reason_is_refused(client, staff):
    certificate = CertificateFactory()
    client.force_login(staff)
    response = client.post(f"/admin/certificates/{certificate.pk}/", {"reason": "  "})
    assert response.status_code == 200
    assert str(messages.REVOKE_REASON_REQUIRED) in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_staff_reissue_after_revocation(client, staff):
    certificate = CertificateFactory(revoked=True)
    client.force_login(staff)
    response = client.post(f"/admin/certificates/{certificate.pk}/reissue/")
    new = Certificate.objects.valid().get(holder=certificate.holder)
    assert response["Location"].endswith(f"/admin/certificates/{new.pk}/")
    client.post(f"/admin/certificates/{certificate.pk}/reissue/")
    assert Certificate.objects.filter(holder=certificate.holder).count() == 2


def test_admin_user_without_certificate_permission_is_turned_away(client):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=EDITOR_GROUP))
    give_totp(editor)
    certificate = CertificateFactory()
    client.force_login(editor)
    # Wagtail turns PermissionDenied in the admin into a redirect to the dashboard with a message.
    listing = client.get("/admin/certificates/")
    assert listing.status_code == 302 and listing["Location"] == "/admin/"
    detail = client.get(f"/admin/certificates/{certificate.pk}/")
    assert detail.status_code == 302
    assert client.post(f"/admin/certificates/{certificate.pk}/", {"reason": "x", "confirm": "on"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_viewer_without_revoke_permission_cannot_revoke(client):
    viewer = UserFactory()
    group = Group.objects.create(name="閲覧のみ")
    group.permissions.add(Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_certificate"))
    viewer.groups.add(group)
    give_totp(viewer)
    certificate = CertificateFactory()
    client.force_login(viewer)
    assert client.get(f"/admin/certificates/{certificate.pk}/").status_code == 200
    assert client.post(f"/admin/certificates/{certificate.pk}/", {"reason": "x", "confirm": "on"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_issuer_setting_is_editable_and_used_on_the_verification_page(client, staff):
    from wagtail.models import Site

    from certificates.models import CertificateIssuerSettings

    settings_row = CertificateIssuerSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.issuer_name = "〇〇県 孤独・孤立対策推進室"
    settings_row.save()
    certificate = CertificateFactory()
    assert "〇〇県 孤独・孤立対策推進室" in client.get(f"/verify/{certificate.number}/").content.decode()
