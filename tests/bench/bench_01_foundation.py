"""Foundation pages: home, sign-up, profile (median server time and SQL queries per request)."""

from lms.regions.models import Municipality
from tests.accounts.factories import UserFactory


def run(ctx) -> dict:
    learner = UserFactory(profile__municipality=Municipality.objects.get(code="312011"))
    anonymous = ctx.client()
    signed_in = ctx.client(learner)
    figures = {}
    figures.update(ctx.measure(anonymous, "GET", "/").as_dict("home_page"))
    figures.update(ctx.measure(anonymous, "GET", "/accounts/signup/").as_dict("signup_page"))
    figures.update(ctx.measure(signed_in, "GET", "/mypage/profile/").as_dict("profile_page"))
    figures.update(ctx.measure(signed_in, "GET", "/mypage/").as_dict("mypage"))
    return figures
