import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from home import messages as msg
from home.enums import CampaignPhase
from home.models import CampaignPage
from home.models.campaigns import next_campaign_year, reiwa_label
from home.services import create_campaign, ensure_campaign_index
from tests.home.factories import ImageFactory

pytestmark = pytest.mark.django_db


def _unsaved(**kwargs) -> CampaignPage:
    index = ensure_campaign_index()
    values = {"title": "強化月間", "slug": "test-campaign", "year": 2027, **kwargs}
    page = CampaignPage(**values)
    page.set_url_path(index)
    page.depth = index.depth + 1
    page.path = index.path + "9999"
    return page


def test_period_defaults_to_the_first_to_the_last_of_may():
    page = create_campaign(year=2027, title="2027年の強化月間")
    assert page.starts_on == dt.date(2027, 5, 1)
    assert page.ends_on == dt.date(2027, 5, 31)


def test_a_campaign_ending_before_it_starts_is_refused_and_not_saved():
    with pytest.raises(ValidationError) as error:
        create_campaign(
            year=2027, title="逆の期間", starts_on=dt.date(2027, 5, 20), ends_on=dt.date(2027, 5, 10)
        )
    assert error.value.message_dict["ends_on"] == [msg.CAMPAIGN_ENDS_BEFORE_START]
    assert not CampaignPage.objects.exists()


def test_a_one_day_campaign_is_allowed():
    page = _unsaved(starts_on=dt.date(2027, 5, 1), ends_on=dt.date(2027, 5, 1))
    page.full_clean()


def test_a_start_outside_the_campaign_year_is_refused():
    page = _unsaved(year=2027, starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2027, 5, 31))
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert error.value.message_dict["starts_on"] == [str(msg.CAMPAIGN_START_OUTSIDE_YEAR % {"year": 2027})]


def test_two_campaigns_for_the_same_year_are_refused():
    create_campaign(year=2027, title="2027年の強化月間")
    with pytest.raises(ValidationError) as error:
        create_campaign(year=2027, title="もう一つの2027年")
    assert error.value.message_dict["year"] == [msg.CAMPAIGN_YEAR_TAKEN]
    assert CampaignPage.objects.filter(year=2027).count() == 1


def test_a_hero_image_without_alt_text_is_refused():
    page = _unsaved(hero_image=ImageFactory(), hero_image_alt="  ")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert error.value.message_dict["hero_image_alt"] == [msg.HERO_ALT_REQUIRED]


def test_a_hero_image_with_alt_text_is_accepted():
    page = _unsaved(hero_image=ImageFactory(), hero_image_alt="研修会で話し合う参加者")
    page.full_clean()


@pytest.mark.parametrize(
    ("day", "phase", "days_left"),
    [
        (dt.date(2027, 4, 1), CampaignPhase.UPCOMING, 30),
        (dt.date(2027, 4, 30), CampaignPhase.UPCOMING, 1),
        (dt.date(2027, 5, 1), CampaignPhase.RUNNING, 0),
        (dt.date(2027, 5, 31), CampaignPhase.RUNNING, 0),
        (dt.date(2027, 6, 1), CampaignPhase.ENDED, 0),
    ],
)
def test_phase_and_countdown_follow_the_period(day, phase, days_left):
    page = _unsaved(starts_on=dt.date(2027, 5, 1), ends_on=dt.date(2027, 5, 31))
    assert page.phase_on(day) == phase
    assert page.days_until_start(day) == days_left


@pytest.mark.parametrize(
    ("today", "year"),
    [(dt.date(2026, 11, 25), 2027), (dt.date(2027, 4, 30), 2027), (dt.date(2027, 5, 1), 2028)],
)
def test_next_campaign_year_is_the_next_may_not_yet_started(today, year):
    assert next_campaign_year(today) == year


def test_reiwa_labels():
    assert reiwa_label(2019) == "令和元年"
    assert reiwa_label(2027) == "令和9年"
