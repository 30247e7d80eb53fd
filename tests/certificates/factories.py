"""Certificates for tests, made through the real service (numbered and signed), on a course page built here (not
with the courses app's test helpers, which may change)."""

from __future__ import annotations

import factory

from certificates.enums import CertificateSource
from certificates.models import Certificate
from certificates.services import issue_certificate, revoke_certificate
from courses.models import CoursePage
from home.models import HomePage
from tests.accounts.factories import UserFactory


def make_course(*, slug: str = "cert-course", title: str = "つながりサポーター養成講座", curriculum_version: str = "2026.1"):
    """A live course page under the home page (no modules: issuing does not need them)."""
    existing = CoursePage.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    home = HomePage.objects.get(depth=2)
    course = CoursePage(
        title=title, slug=slug, intro="<p>紹介</p>", estimated_minutes=60, curriculum_version=curriculum_version
    )
    home.add_child(instance=course)
    return course


class CertificateFactory(factory.django.DjangoModelFactory):
    """`CertificateFactory()` issues a valid certificate to a new learner; `CertificateFactory(revoked=True)` one
    that staff have revoked. Pass holder=/course= to choose them."""

    class Meta:
        model = Certificate

    holder = factory.SubFactory(UserFactory)
    course = factory.LazyFunction(make_course)
    source = CertificateSource.ONLINE

    class Params:
        revoked = factory.Trait(revoke_reason="テストのための失効")

    revoke_reason = ""

    @classmethod
    def _create(cls, model_class, *, holder, course, source, revoke_reason="", workshop=None, **kwargs):
        certificate = issue_certificate(holder=holder, course=course, source=source, workshop=workshop)
        if revoke_reason:
            certificate = revoke_certificate(certificate=certificate, reason=revoke_reason)
        return certificate
