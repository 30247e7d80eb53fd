import datetime as dt

import pytest

from home.messages import PERIOD_ENDS_BEFORE_START
from home.models import ConsultationPeriod, ConsultationResource
from home.services import load_consultation_resources

pytestmark = pytest.mark.django_db


def test_seed_windows_are_loaded_once_and_editor_changes_survive():
    load_consultation_resources()
    dial = ConsultationResource.objects.get(key="kodoku-koritsu-dial-9999")
    assert dial.contact.startswith("#9999")
    assert "ゴールデンウィーク、年末年始" in dial.hours
    dial.hours = "編集者が変更した説明"
    dial.save()
    load_consultation_resources()
    assert ConsultationResource.objects.count() == 4
    dial.refresh_from_db()
    assert dial.hours == "編集者が変更した説明"


def test_time_limited_window_is_active_only_in_its_periods():
    load_consultation_resources()
    dial = ConsultationResource.objects.get(key="kodoku-koritsu-dial-9999")
    ConsultationPeriod.objects.create(resource=dial, starts_on=dt.date(2026, 12, 28), ends_on=dt.date(2027, 1, 4))
    assert dial.is_active_on(dt.date(2027, 1, 1))
    assert not dial.is_active_on(dt.date(2027, 2, 1))
    active_new_year = set(ConsultationResource.objects.active_on(dt.date(2027, 1, 1)).values_list("key", flat=True))
    active_february = set(ConsultationResource.objects.active_on(dt.date(2027, 2, 1)).values_list("key", flat=True))
    assert "kodoku-koritsu-dial-9999" in active_new_year
    assert "kodoku-koritsu-dial-9999" not in active_february
    assert "anata-no-ibasho" in active_february  # 24時間365日


def test_a_period_ending_before_it_starts_is_refused():
    from django.core.exceptions import ValidationError

    load_consultation_resources()
    dial = ConsultationResource.objects.get(key="kodoku-koritsu-dial-9999")
    period = ConsultationPeriod(resource=dial, starts_on=dt.date(2027, 1, 4), ends_on=dt.date(2026, 12, 28))
    with pytest.raises(ValidationError) as error:
        period.full_clean()
    assert error.value.message_dict["ends_on"] == [PERIOD_ENDS_BEFORE_START]


def test_footer_windows_are_cached_and_an_editors_change_shows_at_once(client, django_assert_num_queries):
    from home.selectors import footer_consultation_statuses

    load_consultation_resources()
    today = dt.date(2027, 1, 1)
    first = footer_consultation_statuses(on=today)
    with django_assert_num_queries(0):
        assert footer_consultation_statuses(on=today) == first
    dial = ConsultationResource.objects.get(key="kodoku-koritsu-dial-9999")
    assert not next(s for s in first if s.resource.pk == dial.pk).open_now
    ConsultationPeriod.objects.create(resource=dial, starts_on=dt.date(2026, 12, 28), ends_on=dt.date(2027, 1, 4))
    again = footer_consultation_statuses(on=today)
    assert next(s for s in again if s.resource.pk == dial.pk).open_now
