"""The full-page cache for anonymous visitors (issue 20.3, lms/pagecache, docs/page-cache.md).

Every test switches the cache on (it is off in the test settings) and reads `X-Page-Cache` (hit / miss / skip) to
know what the cache did; the content checks say what a visitor sees."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from home.models import CampaignPage, ConsultationResource
from home.services import create_campaign, get_operator_settings, seed_site
from lms.pagecache import GENERATION_KEY, mark_cacheable
from lms.pagecache.middleware import PageCacheMiddleware
from lms.regions.models import Municipality
from lms.tasks import publish_scheduled_pages
from tests.accounts.factories import TOTTORI_CITY, UserFactory
from tests.courses.factories import make_course
from tests.events.factories import make_workshop
from tests.home.conftest import tokyo

pytestmark = pytest.mark.django_db

CAMPAIGN_TITLE = "令和9年（2027年）孤独・孤立対策強化月間"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    seed_site()
    get_operator_settings()  # made on first use by the footer otherwise (a save, so a purge, during the first render)
    course, modules = make_course(modules=2, questions=2)
    make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY, starts_in=dt.timedelta(days=3))
    return {"course": course, "modules": modules}


def anonymous_urls(site) -> list[str]:
    return ["/", "/campaign/", "/about/", site["course"].url, site["modules"][0].url, "/workshops/"]


def state(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def text(response) -> str:
    return response.content.decode()


# --- what is cached ----------------------------------------------------------------------------------------------------


def test_anonymous_pages_are_served_from_the_cache_the_second_time(client, site):
    for url in anonymous_urls(site):
        first = client.get(url)
        assert first.status_code == 200, url
        assert state(first) == "miss", url
        second = client.get(url)
        assert second.status_code == 200, url
        assert state(second) == "hit", url
        assert second.content == first.content, url
        assert second["Content-Type"] == first["Content-Type"], url
        assert second["Content-Length"] == str(len(first.content)), url


def test_cached_pages_carry_no_csrf_token_and_the_login_from_them_works(site):
    """Decision: no cached page has a POST form (the header's search and the listing's filters are GET), so none
    needs a CSRF token; a response that rendered one is never stored (next test). Signing in from a cached page
    goes through the login page, which is not cached and gives its own token."""
    browser = Client(enforce_csrf_checks=True)
    browser.get(site["course"].url)
    cached = browser.get(site["course"].url)
    assert state(cached) == "hit"
    assert "csrfmiddlewaretoken" not in text(cached)
    for url in anonymous_urls(site):
        assert "csrfmiddlewaretoken" not in text(browser.get(url)), url

    login_path = re.search(r'href="(/accounts/login/[^"]*)"', text(browser.get(site["modules"][0].url))).group(1)
    login_page = browser.get(login_path.replace("&amp;", "&"))
    assert state(login_page) is None  # never looked up
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(login_page)).group(1)
    user = UserFactory(email="hanako@example.jp")
    answer = browser.post(
        login_path.replace("&amp;", "&"),
        {"login": user.email, "password": "correct-horse-battery", "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 302
    assert browser.get(site["course"].url).status_code == 200


def test_a_response_that_rendered_a_csrf_token_or_set_a_cookie_is_not_stored(db):
    factory = RequestFactory()

    def with_token(request):
        return mark_cacheable(request, HttpResponse(f"<input value='{get_token(request)}'>"))

    def with_cookie(request):
        response = mark_cacheable(request, HttpResponse("hello"))
        response.set_cookie("seen", "1")
        return response

    for view in (with_token, with_cookie):
        middleware = PageCacheMiddleware(view)
        assert state(middleware(factory.get("/some-page/"))) == "skip"
        assert state(middleware(factory.get("/some-page/"))) == "skip"


def test_tracking_parameters_share_the_entry_and_unknown_parameters_are_not_stored(client, site):
    client.get("/campaign/")
    assert state(client.get("/campaign/?utm_source=tottori&utm_medium=banner")) == "hit"
    assert state(client.get("/campaign/?x=1")) == "skip"
    assert state(client.get("/campaign/?x=1")) == "skip"
    # the listing reads its filters: each filter set is its own entry
    client.get("/workshops/?prefecture=31")
    assert state(client.get("/workshops/?prefecture=31")) == "hit"
    assert state(client.get("/workshops/?prefecture=13")) == "miss"


# --- never for signed-in visitors or another person's data ------------------------------------------------------------


def test_a_signed_in_visit_is_never_stored_nor_shown_to_anonymous_visitors(client, site):
    learner = UserFactory(profile__municipality=Municipality.objects.get(code=TOTTORI_CITY))
    signed_in = Client()
    signed_in.force_login(learner)
    for url in anonymous_urls(site):
        own = signed_in.get(url)
        assert own.status_code == 200, url
        assert state(own) is None, url  # a session cookie: never looked up, never stored
        assert "ログアウト" in text(own), url
    assert "鳥取県鳥取市とその近くの講座を先に表示しています" in text(signed_in.get("/workshops/"))

    for url in anonymous_urls(site):
        anonymous = client.get(url)
        assert state(anonymous) == "miss", url  # nothing was stored by the signed-in visits
        assert "ログアウト" not in text(anonymous), url
        assert learner.email not in text(anonymous), url
    assert "とその近くの講座を先に表示しています" not in text(client.get("/workshops/"))


def test_a_signed_in_visitor_never_gets_the_anonymous_copy(client, site):
    for url in anonymous_urls(site):
        client.get(url)
        assert state(client.get(url)) == "hit", url
    learner = UserFactory(profile__municipality=Municipality.objects.get(code=TOTTORI_CITY))
    signed_in = Client()
    signed_in.force_login(learner)
    for url in anonymous_urls(site):
        own = signed_in.get(url)
        assert state(own) is None, url
        assert "ログアウト" in text(own) and "新規登録</a>" not in text(own), url
    assert "あなたの受講状況" in text(signed_in.get(site["course"].url))
    assert "第1章から受講を始める" in text(signed_in.get(site["course"].url))
    assert "鳥取県鳥取市とその近くの講座を先に表示しています" in text(signed_in.get("/workshops/"))


def test_a_flash_message_reaches_only_its_visitor(client, site):
    """Module 2 sends an anonymous visitor to the login page with a message (a messages cookie); the page where
    it is shown is neither taken from nor put in the cache."""
    other = Client()
    other.get(site["course"].url)
    assert client.get(site["modules"][1].url).status_code == 302
    shown = client.get(site["course"].url)
    assert "ログイン" in text(shown) and "message--" in text(shown)
    assert state(shown) is None
    assert "message--" not in text(other.get(site["course"].url))
    assert state(other.get(site["course"].url)) == "hit"


def test_an_anonymous_visitor_with_a_session_is_not_served_from_the_cache(client, site):
    client.get("/")
    session = client.session
    session["events_checkin_scanned"] = {"w": 1, "at": 0}
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    assert state(client.get("/")) is None


# --- purges ------------------------------------------------------------------------------------------------------------


def test_publishing_a_change_shows_at_once_through_the_cache(client, site):
    page = create_campaign(year=2027, title=CAMPAIGN_TITLE, starts_on=dt.date(2027, 5, 1))
    for url in ("/campaign/", page.url, "/"):
        client.get(url)
        assert state(client.get(url)) == "hit", url
    page = CampaignPage.objects.get(pk=page.pk)
    page.title = "令和9年の強化月間（改）"
    page.save_revision().publish()
    assert "令和9年の強化月間（改）" in text(client.get(page.url))
    assert "令和9年の強化月間（改）" in text(client.get("/campaign/"))


def test_unpublishing_removes_the_page_through_the_cache(client, site):
    page = create_campaign(year=2027, title=CAMPAIGN_TITLE, starts_on=dt.date(2027, 5, 1))
    client.get(page.url)
    client.get("/campaign/")
    assert state(client.get(page.url)) == "hit"
    assert CAMPAIGN_TITLE in text(client.get("/campaign/"))
    page.unpublish()
    assert client.get(page.url).status_code == 404
    assert CAMPAIGN_TITLE not in text(client.get("/campaign/"))


def test_deleting_a_page_removes_it_through_the_cache(client, site):
    page = create_campaign(year=2027, title=CAMPAIGN_TITLE, starts_on=dt.date(2027, 5, 1))
    client.get("/campaign/")
    assert state(client.get("/campaign/")) == "hit"
    page.delete()
    assert CAMPAIGN_TITLE not in text(client.get("/campaign/"))


def test_a_snippet_or_setting_change_shows_at_once_through_the_cache(client, site):
    resource = ConsultationResource.objects.order_by("pk").first()
    client.get("/about/")
    assert state(client.get("/about/")) == "hit"
    resource.name = "テスト相談窓口（名称変更）"
    resource.save()
    assert "テスト相談窓口（名称変更）" in text(client.get("/about/"))

    assert state(client.get("/about/")) == "hit"
    operator = get_operator_settings()
    operator.operator_name = "テスト運営事務局"
    operator.save()
    assert "運営：テスト運営事務局" in text(client.get("/about/"))


def test_a_workshop_published_by_its_trainer_appears_in_the_cached_listing(client, site):
    client.get("/workshops/")
    assert state(client.get("/workshops/")) == "hit"
    make_workshop(title="新しく公開した講座", starts_in=dt.timedelta(days=4))
    assert "新しく公開した講座" in text(client.get("/workshops/"))


def test_a_contact_message_does_not_empty_the_cache(client, site):
    from home.services import submit_contact_message

    client.get("/")
    submit_contact_message(category="other", email="a@example.jp", message="質問です")
    assert state(client.get("/")) == "hit"


def test_every_snippet_and_setting_is_purged_on_change_or_declared_not_shown():
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.snippets.models import get_snippet_models

    declared = set(django_settings.PAGE_CACHE_PURGE_MODELS) | set(django_settings.PAGE_CACHE_UNLISTED_MODELS)
    models = [*get_snippet_models(), *settings_registry]
    missing = [m._meta.label for m in models if m._meta.label not in declared]
    assert missing == [], "add them to PAGE_CACHE_PURGE_MODELS (shown on pages) or PAGE_CACHE_UNLISTED_MODELS"


def test_a_purge_by_another_process_is_seen_at_once(client, site):
    """Another process (a worker, another gunicorn) replaces the generation token in the shared cache; no process
    keeps a copy, so the next request here re-renders."""
    client.get("/")
    assert state(client.get("/")) == "hit"
    cache.set(GENERATION_KEY, "from-another-process", None)
    assert state(client.get("/")) == "miss"
    assert state(client.get("/")) == "hit"


@pytest.mark.skipif(not django_settings.CACHE_URL, reason="needs Redis (REDIS_URL)")
def test_a_purge_through_a_separate_redis_connection_is_seen_at_once(client, site):
    """The same with a second, separately connected cache client (as another process has): the token lives only in
    Redis."""
    from lms.cache import FallbackRedisCache

    params = django_settings.CACHES["default"]
    other = FallbackRedisCache(params["LOCATION"], {k: v for k, v in params.items() if k not in ("BACKEND", "LOCATION")})
    client.get("/")
    assert state(client.get("/")) == "hit"
    other.set(GENERATION_KEY, "from-another-process", None)
    assert state(client.get("/")) == "miss"


# --- the clock -----------------------------------------------------------------------------------------------------


def test_a_scheduled_publish_at_midnight_is_visible_at_0001_through_the_cache(client, site):
    with time_machine.travel(tokyo(2027, 4, 20, 10, 0), tick=False) as traveller:
        page = create_campaign(year=2027, title=CAMPAIGN_TITLE, go_live_at=tokyo(2027, 5, 1, 0, 0))
        assert not CampaignPage.objects.get(pk=page.pk).live

        # 00:00:20: the day has turned but the every-minute job has not run yet; the pages are cached without it
        traveller.move_to(tokyo(2027, 5, 1, 0, 0, 20))
        for url in ("/", "/campaign/"):
            client.get(url)
            before = client.get(url)
            assert state(before) == "hit", url
            assert CAMPAIGN_TITLE not in text(before), url
        assert client.get("/campaign/2027/").status_code == 404

        traveller.move_to(tokyo(2027, 5, 1, 0, 1))
        publish_scheduled_pages.delay()  # what Celery beat runs every minute
        assert CampaignPage.objects.get(pk=page.pk).live
        home = client.get("/")
        assert 'class="campaign-banner"' in text(home) and CAMPAIGN_TITLE in text(home)
        assert CAMPAIGN_TITLE in text(client.get("/campaign/"))
        campaign = client.get("/campaign/2027/")
        assert campaign.status_code == 200 and "開催中" in text(campaign)
        assert state(client.get("/")) == "hit"  # and cached again from then on


def test_pages_showing_today_are_not_kept_past_midnight_tokyo(client, site):
    """The campaign was published in April; the home page's banner appears when 1 May begins (Asia/Tokyo) without
    any publish, so an entry made on 30 April must not be served on 1 May."""
    with time_machine.travel(tokyo(2027, 4, 20, 10, 0), tick=False) as traveller:
        create_campaign(year=2027, title=CAMPAIGN_TITLE, starts_on=dt.date(2027, 5, 1))
        traveller.move_to(tokyo(2027, 4, 30, 23, 59, 50))
        client.get("/")
        before = client.get("/")
        assert state(before) == "hit" and 'class="campaign-banner"' not in text(before)
        traveller.move_to(tokyo(2027, 5, 1, 0, 0, 5))
        after = client.get("/")
        assert state(after) == "miss" and 'class="campaign-banner"' in text(after)


def test_an_entry_expires_after_page_cache_ttl(client, site, settings):
    settings.PAGE_CACHE_TTL = 30
    with time_machine.travel(tokyo(2027, 4, 20, 10, 0), tick=False) as traveller:
        client.get("/workshops/")
        assert state(client.get("/workshops/")) == "hit"
        traveller.shift(dt.timedelta(seconds=31))
        assert state(client.get("/workshops/")) == "miss"


# --- the cache down ---------------------------------------------------------------------------------------------------


def test_with_redis_down_pages_still_answer_200_uncached(client, site, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "KEY_PREFIX": "pagecache-down",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.05, "SOCKET_TIMEOUT": 0.05, "RETRY_AFTER": 5},
        }
    }
    for url in anonymous_urls(site):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert state(response) is None, url  # neither read from nor written to the page cache


# --- a CDN in front (off by default) -------------------------------------------------------------------------------


class RecordingBackend:
    """A frontend-cache backend that remembers what it was asked to purge."""

    purged: list[str] = []

    def __init__(self, params):
        self.hostnames = ["*"]

    def purge(self, url):
        RecordingBackend.purged.append(url)

    def purge_batch(self, urls):
        RecordingBackend.purged.extend(urls)

    def invalidates_hostname(self, hostname):
        return True


def test_with_a_cdn_configured_a_publish_purges_the_page_and_the_listing_pages(
    client, site, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {"default": {"BACKEND": "tests.test_page_cache.RecordingBackend"}}
    RecordingBackend.purged = []
    with django_capture_on_commit_callbacks(execute=True):
        page = create_campaign(year=2027, title=CAMPAIGN_TITLE, starts_on=dt.date(2027, 5, 1))
    hosts = {url.split("://", 1)[1].split("/", 1)[0] for url in RecordingBackend.purged}
    purged = {url.split("://", 1)[1].split("/", 1)[1] for url in RecordingBackend.purged}
    assert {"", "campaign/", "course/", "workshops/", "campaign/2027/"} <= purged, RecordingBackend.purged
    assert len(hosts) == 1  # the site's own host, as Wagtail purges the page itself
    assert page.url == "/campaign/2027/"


def test_without_a_cdn_nothing_is_sent_and_no_s_maxage_is_given(client, site, django_capture_on_commit_callbacks):
    RecordingBackend.purged = []
    with django_capture_on_commit_callbacks(execute=True):
        create_campaign(year=2027, title=CAMPAIGN_TITLE, starts_on=dt.date(2027, 5, 1))
    assert RecordingBackend.purged == []
    client.get("/campaign/")
    assert "s-maxage" not in client.get("/campaign/").get("Cache-Control", "")


def test_the_cdn_may_keep_anonymous_pages_for_page_cache_cdn_max_age_only(client, site, settings):
    settings.PAGE_CACHE_CDN_MAX_AGE = 30
    first = client.get("/campaign/")
    assert "s-maxage=30" in first["Cache-Control"] and "public" in first["Cache-Control"]
    assert "s-maxage=" in client.get("/campaign/")["Cache-Control"]
    signed_in = Client()
    signed_in.force_login(UserFactory())
    assert "s-maxage" not in signed_in.get("/campaign/").get("Cache-Control", "")
    assert "s-maxage" not in signed_in.get(site["course"].url).get("Cache-Control", "")
