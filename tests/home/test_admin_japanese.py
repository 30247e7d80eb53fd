"""The staff admin speaks Japanese at the moments that matter (issue 19): Wagtail's missing Japanese is filled from
lms/locale-vendor, and the moderation workflow says when an approved page goes live — in the menu, in the message
after approving and in every notification e-mail."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import WorkflowState

from home.services import create_campaign
from lms.i18n import translation_gaps, vendor_catalogue_path
from lms.tasks import publish_scheduled_pages
from tests.home.conftest import tokyo
from tests.home.test_admin import _form_data

pytestmark = pytest.mark.django_db


def test_every_message_wagtail_ships_has_japanese():
    """Generated from the installed packages' English catalogues: an upgrade that adds messages fails here
    (`manage.py translation_gaps --add` lists and adds them for translation)."""
    gaps = translation_gaps()
    assert gaps == [], f"{len(gaps)} messages without Japanese, e.g. {[g.msgid for g in gaps[:5]]}"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogue_is_the_reviewed_po(domain, tmp_path):
    po = polib.pofile(vendor_catalogue_path(domain))
    mo = polib.mofile(str(Path(vendor_catalogue_path(domain)).with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po if e.translated()}
    shipped = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo if e.msgid}
    assert compiled == shipped, "lms/locale-vendor: run msgfmt -c -o django.mo django.po (and djangojs)"
    assert all(e.translated() for e in po if not e.obsolete), "every entry needs a Japanese msgstr"


def test_placeholders_survive_translation():
    """A translation that drops or renames a %(name)s placeholder would raise KeyError in the admin."""
    pattern = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
    for domain in ("django", "djangojs"):
        for entry in polib.pofile(vendor_catalogue_path(domain)):
            source = entry.msgid_plural or entry.msgid
            wanted = {m.group(0) for m in pattern.finditer(source)}
            got = {m.group(0) for m in pattern.finditer(entry.msgstr or entry.msgstr_plural.get(0, ""))}
            assert got <= wanted, (entry.msgid, got - wanted)


def test_gettext_returns_the_projects_japanese():
    with translation.override("ja"):
        assert translation.gettext("Schedule to publish") == "公開を予約"
        assert translation.gettext("No publishing schedule set") == "公開予約は設定されていません"
        assert translation.ngettext("Delete 1 page", "Delete %(counter)s pages", 3) % {"counter": 3} == "3 件のページを削除する"
        # A misleading package translation is replaced, not just a missing one filled.
        assert translation.gettext("Page '%(page_title)s' has been submitted for moderation.") % {
            "page_title": "春"
        } == "ページ「春」の承認を申請しました。"


ENGLISH_ON_EDIT_PAGE = ["Schedule to publish", "No publishing schedule set", "Toggle status", "Set schedule",
                        "Page visibility", "View history", "Close dialog", "Skip to main content", "Toggle section"]


def test_the_edit_page_and_history_are_japanese(client, site_pages, moderator):
    page = create_campaign(year=2027, title="令和9年の強化月間", summary="概要")
    client.force_login(moderator)
    for url in (reverse("wagtailadmin_pages:edit", args=(page.pk,)), reverse("wagtailadmin_pages:history", args=(page.pk,)),
                reverse("wagtailadmin_explore", args=(page.get_parent().pk,)), "/admin/"):
        html = client.get(url).content.decode()
        for english in ENGLISH_ON_EDIT_PAGE:
            assert english not in html, (url, english)
    html = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content.decode()
    assert "公開予約は設定されていません" in html and "公開を予約" in html


def test_the_admin_makes_no_request_to_gravatar(client, site_pages, moderator):
    client.force_login(moderator)
    for url in ("/admin/", reverse("wagtailadmin_account")):
        assert "gravatar" not in client.get(url).content.decode().lower()


def test_the_account_page_offers_only_the_tokyo_time_zone(client, site_pages, moderator):
    client.force_login(moderator)
    html = client.get(reverse("wagtailadmin_account")).content.decode()
    assert "America/" not in html and "Europe/" not in html


def test_a_scheduled_approval_says_when_the_page_goes_live_everywhere(
    client, site_pages, editor, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(tokyo(2027, 4, 1, 10, 0), tick=False) as traveller:
        page = create_campaign(year=2027, title="令和9年（2027年）孤独・孤立対策強化月間", publish=False)
        edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))

        client.force_login(editor)
        data = _form_data(client.get(edit_url).content.decode(), go_live_at="2027-05-01 00:00", **{"action-submit": "1"})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(edit_url, data, follow=True)
        assert "の承認を申請しました" in response.content.decode()
        assert "調整のために提出" not in response.content.decode()

        to_moderator = [m for m in mailoutbox if m.to == ["moderator@example.jp"]]
        assert len(to_moderator) == 1
        mail = to_moderator[0]
        assert mail.subject == "【承認の依頼】「令和9年（2027年）孤独・孤立対策強化月間」（2027年5月1日（土）0:00 公開予定）"
        assert "さんが「令和9年（2027年）孤独・孤立対策強化月間」の承認を申請しました" in mail.body
        assert "公開予定: 2027年5月1日（土）0:00" in mail.body
        assert f"{settings.WAGTAILADMIN_BASE_URL}{edit_url}" in mail.body
        assert not re.search(r"\b(has been|submitted|You can|Hello)\b", mail.body)

        client.force_login(moderator)
        html = client.get(edit_url).content.decode()
        assert "承認（2027年5月1日（土）0:00 に公開）" in html
        assert "承認と公開" not in html and "承認して今すぐ公開" not in html

        mailoutbox.clear()
        state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
        approve_url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", state.current_task_state.pk))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(approve_url, {}, follow=True)
        assert "「令和9年（2027年）孤独・孤立対策強化月間」を承認しました。2027年5月1日（土）0:00 に公開されます。" in response.content.decode()
        page.refresh_from_db()
        assert not page.live and page.get_latest_revision().approved_go_live_at == tokyo(2027, 5, 1, 0, 0)

        to_editor = [m for m in mailoutbox if m.to == ["editor@example.jp"]]
        assert len(to_editor) == 1
        assert to_editor[0].subject == "【承認されました】「令和9年（2027年）孤独・孤立対策強化月間」（2027年5月1日（土）0:00 に公開）"
        assert "2027年5月1日（土）0:00 に自動で公開されます" in to_editor[0].body

        mailoutbox.clear()
        traveller.move_to(tokyo(2027, 5, 1, 0, 1))
        publish_scheduled_pages.delay()
        page.refresh_from_db()
        assert page.live
        published = sorted(m.to[0] for m in mailoutbox)
        assert published == ["editor@example.jp", "moderator@example.jp"]
        assert all(m.subject == "【予約公開しました】「令和9年（2027年）孤独・孤立対策強化月間」" for m in mailoutbox)
        assert "2027年5月1日（土）0:01に公開しました" in mailoutbox[0].body
        publish_scheduled_pages.delay()  # the next minute: nothing new, nobody told twice
        assert len(mailoutbox) == 2


def test_an_approval_without_a_schedule_says_it_is_live(client, site_pages, editor, moderator):
    page = create_campaign(year=2027, title="即時公開の強化月間", publish=False)
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    client.force_login(editor)
    client.post(edit_url, _form_data(client.get(edit_url).content.decode(), **{"action-submit": "1"}))
    client.force_login(moderator)
    assert "承認して今すぐ公開" in client.get(edit_url).content.decode()
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", state.current_task_state.pk))
    response = client.post(approve_url, {}, follow=True)
    assert "「即時公開の強化月間」を承認し、公開しました。" in response.content.decode()


def test_a_change_request_mail_is_japanese_with_the_comment(client, site_pages, editor, moderator, mailoutbox,
                                                           django_capture_on_commit_callbacks):
    page = create_campaign(year=2027, title="修正依頼の強化月間", publish=False)
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    client.force_login(editor)
    client.post(edit_url, _form_data(client.get(edit_url).content.decode(), **{"action-submit": "1"}))
    client.force_login(moderator)
    mailoutbox.clear()
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    reject_url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "reject", state.current_task_state.pk))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reject_url, {"comment": "出典の年を入れてください"})
    to_editor = [m for m in mailoutbox if m.to == ["editor@example.jp"]]
    assert len(to_editor) == 1
    assert to_editor[0].subject == "【修正の依頼】「修正依頼の強化月間」"
    assert "出典の年を入れてください" in to_editor[0].body and "もう一度承認を申請してください" in to_editor[0].body
    assert f"{settings.WAGTAILADMIN_BASE_URL}{edit_url}" in to_editor[0].body


def _menu_labels(client) -> list[str]:
    import html as html_lib
    import json

    page = client.get("/admin/").content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', page, re.S).group(1)
    return [json.loads(f'"{label}"') for label in re.findall(r'"label": "([^"]*)"', html_lib.unescape(props))]


def test_menus_show_each_role_only_what_it_may_use(client, site_pages, editor):
    from tests.events.factories import make_trainer

    client.force_login(make_trainer())
    trainer_menu = _menu_labels(client)
    assert "講師コンソール（名簿・出席・修了証）" in trainer_menu and "ページ" in trainer_menu
    for hidden in ("サイトの履歴", "長く更新されていないページ", "ワークフロー", "ワークフローのタスク", "レポート", "編集者ガイド"):
        assert hidden not in trainer_menu, hidden
    client.force_login(editor)
    editor_menu = _menu_labels(client)
    assert {"サイトの履歴", "ワークフロー", "編集者ガイド"} <= set(editor_menu)
    assert not any("新機能" in label for label in editor_menu + trainer_menu)


# --- The superuser's screens (users, groups, sites, workflows): English stored in the database or derived from
# attribute names, now Japanese.

@pytest.fixture
def superuser(db):
    from tests.accounts.factories import UserFactory
    from tests.conftest import give_totp

    user = UserFactory(email="root@example.jp", is_superuser=True, is_staff=True)
    give_totp(user)
    return user


def _visible_text(html: str) -> str:
    from tests.test_no_english import _Text

    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def test_the_groups_are_called_by_japanese_names(site_pages):
    from django.contrib.auth.models import Group
    from wagtail.models import Collection

    from lms.accounts.enums import EDITOR_GROUP, MODERATOR_GROUP

    names = set(Group.objects.values_list("name", flat=True))
    assert {EDITOR_GROUP, MODERATOR_GROUP} <= names == names - {"Editors", "Moderators"}
    assert (EDITOR_GROUP, MODERATOR_GROUP) == ("編集者", "モデレーター")
    assert Collection.get_first_root_node().name == "ルート"


def test_the_group_screen_names_every_permission_in_japanese(client, site_pages, superuser):
    from django.contrib.auth.models import Group

    from lms.accounts.enums import MODERATOR_GROUP

    client.force_login(superuser)
    moderators = Group.objects.get(name=MODERATOR_GROUP)
    for url in (reverse("wagtailusers_groups:edit", args=(moderators.pk,)), reverse("wagtailusers_groups:add")):
        text = _visible_text(client.get(url).content.decode())
        for english in ("Can add", "Can change", "Can delete", "Publish any page", "Unlock any page",
                        "Lock/unlock", "Delete pages with children", "Wagtail コア |", "Page *"):
            assert english not in text, (url, english)
        assert "団体の追加" in text and "相談窓口の変更" in text  # models named by their Japanese verbose names
    text = _visible_text(client.get(reverse("wagtailusers_groups:edit", args=(moderators.pk,))).content.decode())
    assert "ページを公開" in text and "どのページのロックも解除できる" in text  # Wagtail's Japanese for the page permissions


def test_the_permission_label_of_each_kind(db):
    from django.contrib.auth.models import Permission

    from lms.templatetags.admin_japanese import permission_label

    def label(app, codename):
        return permission_label(Permission.objects.get(content_type__app_label=app, codename=codename))

    with translation.override("ja"):
        assert label("wagtailcore", "publish_page") == "ページを公開"
        assert label("wagtailsearchpromotions", "add_searchpromotion").endswith("の追加")
        assert "search promotion" not in label("wagtailsearchpromotions", "add_searchpromotion")
        assert label("wagtailimages", "choose_image") == "画像の選択"
        # Every permission the group screen offers (Wagtail's register_permissions hook) is named in Japanese.
        from wagtail.users.forms import GroupForm

        for permission in GroupForm().fields["permissions"].queryset.select_related("content_type"):
            assert not re.search(r"[A-Za-z]{2,}", permission_label(permission).replace("Wagtail", "")), (
                permission.codename, permission_label(permission))


def test_the_sites_users_and_workflow_screens_are_japanese(client, site_pages, superuser):
    client.force_login(superuser)
    sites = _visible_text(client.get(reverse("wagtailsites:index")).content.decode())
    assert "ポート番号" in sites and "サイト名" in sites and "ルートページ" in sites
    assert not re.search(r"\b(Port|Site name|Root page)\b", sites)
    users = client.get(reverse("wagtailusers_users:index")).content.decode()
    status_cells = re.findall(r'<td class="status">(.*?)</td>', users, re.S)
    assert status_cells and all("はい" in cell and "True" not in cell for cell in status_cells)
    workflow = _visible_text(client.get(reverse("wagtailadmin_workflows:add")).content.decode())
    assert not re.search(r"\bPage\b", workflow)
