"""The index stays current: publishing, unpublishing, deleting, moving, privacy and snippet edits show at once."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from events.enums import WorkshopStatus
from events.models import WorkshopPage
from home.models import ConsultationPeriod, ConsultationResource, StandardPage
from search.fulltext import missing_sqlite_triggers
from search.models import SearchDocument, SearchText
from search.selectors import search
from search.services import rebuild_index

pytestmark = pytest.mark.django_db


def titles(query, **kwargs):
    return [r.document.title for r in search(query=query, **kwargs).results]


def all_titles(query, **kwargs):
    results = search(query=query, **kwargs)
    found = [r.document.title for r in results.results]
    page = 2
    while results.page and results.page.has_next():
        results = search(query=query, page=page, **kwargs)
        found += [r.document.title for r in results.results]
        page += 1
    return found


def new_page(title="居場所づくりの集い", body="地域のサロンで話しましょう。"):
    about = StandardPage.objects.get(slug="about")
    page = StandardPage(title=title, slug="ibasho-tsudoi", intro=body)
    about.add_child(instance=page)
    return page


def test_a_published_page_is_found_and_gone_after_unpublishing(site):
    page = new_page()
    assert "居場所づくりの集い" not in titles("サロン")  # a draft is not found
    page.save_revision().publish()
    assert titles("サロン") == ["居場所づくりの集い"]
    page.unpublish()
    assert titles("サロン") == []
    assert not SearchDocument.for_object(page).exists()


def test_a_new_revision_replaces_the_old_text(site):
    page = new_page()
    page.save_revision().publish()
    page.intro = "公民館でお茶会を開きます。"
    page.save_revision().publish()
    assert titles("サロン") == []
    assert titles("お茶会") == ["居場所づくりの集い"]


def test_a_deleted_page_is_gone(site):
    page = new_page()
    page.save_revision().publish()
    Page.objects.get(pk=page.pk).delete()
    assert titles("サロン") == []
    assert not SearchText.objects.filter(document__object_id=page.pk).exists()


def test_a_moved_page_is_found_at_its_new_url(site):
    page = new_page()
    page.save_revision().publish()
    faq = StandardPage.objects.get(slug="faq")
    Page.objects.get(pk=page.pk).move(faq, pos="last-child")
    assert search(query="サロン").results[0].document.url == "/faq/ibasho-tsudoi/"


def test_a_new_slug_moves_the_children_too(site):
    page = new_page()
    page.save_revision().publish()
    about = StandardPage.objects.get(slug="about")
    about.slug = "about-us"
    about.save_revision().publish()
    assert search(query="サロン").results[0].document.url == "/about-us/ibasho-tsudoi/"
    assert SearchDocument.for_object(about).get().url == "/about-us/"


def test_a_private_page_is_not_found(site):
    page = new_page()
    page.save_revision().publish()
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert titles("サロン") == []
    restriction.delete()
    assert titles("サロン") == ["居場所づくりの集い"]


def test_cancelled_and_past_workshops_are_hidden_unless_asked_for(site):
    workshop = WorkshopPage.objects.live().order_by("starts_at").last()
    workshop.status = WorkshopStatus.CANCELLED
    workshop.cancellation_reason = "講師の急病のため"  # a cancellation needs its reason (docs/workshops.md)
    workshop.save_revision().publish()
    assert workshop.title not in all_titles("養成講座")
    assert workshop.title in all_titles("養成講座", include_past=True)
    result = next(r for r in search(query=workshop.title, include_past=True).results if r.document.title == workshop.title)
    assert result.status == "中止"


def test_upcoming_workshops_come_soonest_first(site):
    now = timezone.now()
    results = search(query="デモ", kind="workshop").results
    starts = [r.document.date for r in results if r.document.date]
    assert starts == sorted(starts)
    assert all(r.document.ends_at >= now for r in results if r.document.ends_at)


def test_past_workshop_is_hidden_by_default(site):
    workshop = WorkshopPage.objects.live().order_by("starts_at").first()
    assert workshop.title in all_titles("デモ")
    assert workshop.title not in all_titles("デモ", now=workshop.ends_at + dt.timedelta(days=1))


def test_consultation_window_edits_and_periods_show_at_once(site):
    dial = ConsultationResource.objects.get(key="kodoku-koritsu-dial-9999")
    result = next(r for r in search(query="9999").results if r.document.kind == "consultation")
    assert result.status == "期間限定"  # no period entered: never "closed"
    today = timezone.localdate()
    ConsultationPeriod.objects.create(resource=dial, starts_on=today, ends_on=today + dt.timedelta(days=3))
    result = next(r for r in search(query="9999").results if r.document.kind == "consultation")
    assert result.status == "受付中"
    dial.description = "ハロウィーン特別相談を受け付けます。"
    dial.save()
    assert titles("ハロウィーン") == ["孤独・孤立相談ダイヤル"]
    dial.delete()
    assert titles("ハロウィーン") == []


def test_rebuild_gives_the_same_index(site):
    before = sorted(SearchDocument.objects.values_list("content_type_id", "object_id", "title", "url"))
    ranked = titles("相談")
    SearchText.objects.all().delete()
    SearchDocument.objects.all().delete()
    counts = rebuild_index()
    assert sorted(SearchDocument.objects.values_list("content_type_id", "object_id", "title", "url")) == before
    assert titles("相談") == ranked
    assert counts["course"] == 9 and counts["consultation"] == 4


def test_rebuild_command_reports_counts(site, capsys):
    call_command("rebuild_search_index")
    assert "相談窓口: 4 件" in capsys.readouterr().out


def test_sqlite_full_text_triggers_are_installed(db):
    assert missing_sqlite_triggers() == set()
