import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from home.demo import seed_campaign
from home.models import CampaignIndexPage, CampaignPage, ConsultationResource, StandardPage
from home.services import seed_site
from tests.home.conftest import tokyo

pytestmark = pytest.mark.django_db


def test_seed_site_creates_the_campaign_index_and_standard_pages_once():
    seed_site()
    seed_site()
    index = CampaignIndexPage.objects.get()
    assert index.live and index.url == "/campaign/"
    assert sorted(StandardPage.objects.live().values_list("slug", flat=True)) == ["about", "faq", "privacy", "terms"]
    assert ConsultationResource.objects.count() == 4
    # Published through a revision, so later edits go through the workflow like any other change.
    assert all(page.live_revision_id for page in StandardPage.objects.all())


def test_seed_site_never_overwrites_what_editors_changed():
    seed_site()
    privacy = StandardPage.objects.get(slug="privacy")
    privacy.intro = "編集者が書き直した導入文"
    privacy.save_revision().publish()
    seed_site()
    privacy.refresh_from_db()
    assert privacy.intro == "編集者が書き直した導入文"
    assert StandardPage.objects.filter(slug="privacy").count() == 1


def test_seed_site_command_prints_what_it_did(capsys):
    call_command("seed_site")
    out = capsys.readouterr().out
    assert "/campaign/" in out and "/privacy/ を作成しました" in out


def test_demo_campaign_is_for_the_next_may_and_is_created_once():
    with time_machine.travel(tokyo(2026, 11, 25, 12, 0), tick=False):
        lines = seed_campaign()
        seed_campaign()
    page = CampaignPage.objects.get()
    assert page.year == 2027 and page.live
    assert page.title == "令和9年（2027年）孤独・孤立対策強化月間"
    assert (page.starts_on, page.ends_on) == (dt.date(2027, 5, 1), dt.date(2027, 5, 31))
    assert page.url == "/campaign/2027/"
    assert any("2027" in line for line in lines)
    assert [block.block_type for block in page.body] == [
        "text",
        "quote",
        "text",
        "call_to_action",
        "consultation_resources",
    ]


def test_demo_campaign_in_may_is_for_the_following_year():
    with time_machine.travel(tokyo(2027, 5, 1, 0, 0), tick=False):
        seed_campaign()
    assert CampaignPage.objects.get().year == 2028


def test_seed_demo_includes_the_campaign():
    call_command("seed_demo")
    assert CampaignPage.objects.live().exists()
