"""Writes for the home app: the site's standing pages and data (idempotent seeding) and campaign pages.

Pages are created with a published revision, so their history starts clean and later edits go through the
moderation workflow like any other change."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from .blocks import StandardBodyBlock
from .models import CampaignIndexPage, CampaignPage, ConsultationResource, HomePage, StandardPage
from .seed_pages import STANDARD_PAGES
from .seed_resources import CONSULTATION_RESOURCES, PREVIOUS_SEED_VALUES

logger = logging.getLogger(__name__)

CAMPAIGN_INDEX_SLUG = "campaign"  # /campaign/ is a public contract (DESIGN.md §6)


def _field_default(field_name: str):
    field = ConsultationResource._meta.get_field(field_name)
    return field.get_default()


@transaction.atomic
def load_consultation_resources() -> list[str]:
    """Create the seeds' consultation windows that do not exist yet (matched by `key`), and bring the seeded facts of
    existing ones up to date. Idempotent. A field is updated only while it still holds the value the seed wrote last
    (`seeded_values`; for rows seeded before that record, `PREVIOUS_SEED_VALUES` or the field's blank default), so a
    value an editor changed in the admin is never overwritten."""
    created = updated = kept = 0
    for data in CONSULTATION_RESOURCES:
        values = {k: v for k, v in data.items() if k != "key"}
        resource = ConsultationResource.objects.select_for_update().filter(key=data["key"]).first()
        if resource is None:
            resource = ConsultationResource(key=data["key"], seeded_values=values, **values)
            resource.full_clean()
            resource.save()
            created += 1
            continue
        previous = resource.seeded_values or PREVIOUS_SEED_VALUES.get(data["key"], {})
        changed = []
        for field, new in values.items():
            current = getattr(resource, field)
            if current == new:
                continue
            if current == previous.get(field, _field_default(field)):
                setattr(resource, field, new)
                changed.append(field)
            else:
                kept += 1  # an editor's value
        if changed or resource.seeded_values != values:
            resource.seeded_values = values
            resource.full_clean()
            resource.save()
            updated += bool(changed)
    return [
        f"相談窓口: {created} 件を作成、{updated} 件を更新（編集者が変更した {kept} 項目はそのまま）"
        f"（合計 {ConsultationResource.objects.count()} 件）"
    ]


def get_home_page() -> HomePage:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise RuntimeError("既定のサイトがありません。`manage.py migrate` を実行してください。")
    return site.root_page.specific


def _add_published_child(*, parent: Page, page: Page, user=None) -> Page:
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True).publish(user=user)
    page.refresh_from_db()
    return page


@transaction.atomic
def ensure_campaign_index() -> CampaignIndexPage:
    """The campaign index at /campaign/ under the home page: created once, published; returned if it exists."""
    existing = CampaignIndexPage.objects.first()
    if existing is not None:
        return existing
    home = get_home_page()
    page = CampaignIndexPage(
        title="孤独・孤立対策強化月間",
        slug=CAMPAIGN_INDEX_SLUG,
        intro=(
            "<p>「孤独・孤立に至っても支援を求める声を上げやすい、声をかけやすい社会」に向けた取組として、"
            "毎年5月を「孤独・孤立対策強化月間」とし、集中的な広報・啓発活動を実施しています。"
            "各年の特設ページでは、月間に全国各地で行われる取組を紹介します。</p>"
        ),
    )
    return _add_published_child(parent=home, page=page)


def stream_value(block, items: list[tuple[str, object]]):
    """(block type, value in the block's JSON form) pairs → a StreamField value (e.g. rich text as HTML)."""
    return block.to_python([{"type": block_type, "value": value} for block_type, value in items])


@transaction.atomic
def ensure_standard_pages() -> list[str]:
    """About, FAQ, terms and privacy policy under the home page: each created once (matched by slug) and never
    overwritten. A slug already taken by another kind of page is left alone and reported."""
    home = get_home_page()
    lines = []
    today = timezone.localdate()
    for data in STANDARD_PAGES:
        existing = home.get_children().filter(slug=data["slug"]).first()
        if existing is not None:
            if not isinstance(existing.specific, StandardPage):
                lines.append(f"/{data['slug']}/ は別の種類のページが使っているため作成しませんでした")
            continue
        items = list(data["body"])
        if data.get("consultation_block"):
            ids = list(ConsultationResource.objects.values_list("pk", flat=True))
            if ids:
                items.append(("consultation_resources", {"heading": "相談窓口", "resources": ids}))
        page = StandardPage(
            title=data["title"],
            slug=data["slug"],
            intro=data["intro"],
            body=stream_value(StandardBodyBlock(), items),
            last_updated=today,
        )
        _add_published_child(parent=home, page=page)
        lines.append(f"/{data['slug']}/ を作成しました")
    return lines


def seed_site() -> list[str]:
    """Everything the public site needs besides regions and the course: consultation windows, the campaign index
    and the standard pages. Idempotent; safe in production (`make setup` runs it)."""
    lines = load_consultation_resources()
    index = ensure_campaign_index()
    lines.append(f"強化月間の一覧ページ: {index.get_url()}")
    lines += ensure_standard_pages()
    return lines


@transaction.atomic
def create_campaign(
    *,
    year: int,
    title: str,
    theme: str = "",
    summary: str = "",
    body: list | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    go_live_at: dt.datetime | None = None,
    publish: bool = True,
    user=None,
) -> CampaignPage:
    """Add a year's campaign page under the index. With `publish`, its first revision is published — at
    `go_live_at` if that is in the future (Wagtail's scheduled publishing), otherwise now. Validation (one page
    per year, period order) is the page's own clean()."""
    index = ensure_campaign_index()
    page = CampaignPage(
        title=title,
        slug=str(year),
        year=year,
        theme=theme,
        summary=summary,
        starts_on=starts_on,
        ends_on=ends_on,
        body=body or [],
        go_live_at=go_live_at,
        live=False,
    )
    index.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    page.refresh_from_db()
    return page


# --- The お問い合わせ form ------------------------------------------------------------------------------------------


def get_operator_settings(site=None):
    """The operator settings of `site` (default: the default site); an unsaved empty one when there is no site."""
    from .models import OperatorSettings

    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return OperatorSettings()
    return OperatorSettings.for_site(site)


@transaction.atomic
def submit_contact_message(*, category: str, email: str, message: str, name: str = "", user=None):
    """Store a message sent through the お問い合わせ form and e-mail it to the operator after commit. The message is
    kept whatever happens to the e-mail (sent by the task, at most once; `send_contact_message`)."""
    from .models import ContactMessage

    contact = ContactMessage(
        category=category,
        email=email.strip(),
        message=message.strip(),
        name=" ".join(name.split()),
        user=user if user is not None and user.is_authenticated else None,
    )
    contact.full_clean(exclude=["user"])
    contact.save()
    contact_id = contact.pk

    def send():
        from .tasks import send_contact_message as task

        try:
            task.delay(contact_id)
        except Exception:  # the broker is down: the message is stored and listed in the admin
            logger.exception("Could not queue the e-mail of contact message %s", contact_id)

    transaction.on_commit(send)
    return contact


def send_contact_message(*, contact_id: int) -> bool:
    """E-mail one stored message to the operator's address (Reply-To: the sender), at most once: the row is claimed
    first and released if sending fails. With no address entered yet nothing is sent (the message waits in the
    admin). Returns whether it was sent now."""
    from lms.emails import build_email

    from .models import ContactMessage

    operator = get_operator_settings()
    if not operator.contact_email:
        logger.warning("Contact message %s stored; no operator e-mail address is set.", contact_id)
        return False
    now = timezone.now()
    if not ContactMessage.objects.filter(pk=contact_id, emailed_at__isnull=True).update(emailed_at=now):
        return False
    contact = ContactMessage.objects.get(pk=contact_id)
    message = build_email(
        "home/email/contact",
        to=[operator.contact_email],
        reply_to=[contact.email],
        context={"contact": contact, "operator": operator},
    )
    try:
        message.send()
    except Exception:
        ContactMessage.objects.filter(pk=contact_id, emailed_at=now).update(emailed_at=None)
        raise
    return True
