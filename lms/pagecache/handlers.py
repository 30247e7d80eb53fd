"""What purges the page cache (connected in lms.apps.LmsConfig.ready): Wagtail's page signals (published,
unpublished, moved, slug changed, deleted — from the admin, the trainer console or the every-minute scheduled-publish
job alike) and saves or deletes of the models in settings.PAGE_CACHE_PURGE_MODELS (snippets and settings shown on
pages: consultation windows, the operator's footer, images, documents, view restrictions, sites).

Each purge replaces the generation token at once and again when the transaction commits: a request that rendered the
old rows between the two cannot keep its copy (it is stored under the first, already replaced token)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import purge
from .frontend import purge_frontend

_models: tuple[type, ...] | None = None


def purge_models() -> tuple[type, ...]:
    global _models
    if _models is None:
        _models = tuple(apps.get_model(label) for label in settings.PAGE_CACHE_PURGE_MODELS)
    return _models


def purge_now_and_on_commit(reason: str, page=None) -> None:
    purge(reason)
    transaction.on_commit(lambda: purge(reason))
    transaction.on_commit(lambda: purge_frontend(page))


def on_page_change(sender, instance=None, **kwargs):
    purge_now_and_on_commit(f"page {getattr(instance, 'pk', '?')} changed", instance)


def on_page_deleted(sender, instance=None, **kwargs):
    if isinstance(instance, Page):
        purge_now_and_on_commit(f"page {instance.pk} deleted")


def on_model_change(sender, instance=None, **kwargs):
    if isinstance(instance, purge_models()):
        purge_now_and_on_commit(f"{sender._meta.label} changed")


def connect() -> None:
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(on_page_change, dispatch_uid=f"pagecache-{id(signal)}")
    post_delete.connect(on_page_deleted, dispatch_uid="pagecache-page-deleted")
    post_save.connect(on_model_change, dispatch_uid="pagecache-model-saved")
    post_delete.connect(on_model_change, dispatch_uid="pagecache-model-deleted")
