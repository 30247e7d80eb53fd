"""Keep the index current. Each receiver is thin and calls one service (search.services).

Pages: published, unpublished (also by expiry), deleted, moved, and view restrictions added or removed. Snippets
registered as sources (e.g. consultation windows and their periods): saved or deleted."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import registry, services


def handle_page_published(sender, instance, **kwargs):
    previous = services.SearchDocument.for_object(instance).values_list("url", flat=True).first()
    services.index_object(obj=instance)
    if previous is not None and previous != services.page_url(instance) and instance.numchild:
        # The slug changed: the descendants' URLs changed with it.
        services.reindex_page_tree(page=instance)


def handle_page_unpublished(sender, instance, **kwargs):
    services.remove_object(obj=instance)


def handle_page_moved(sender, instance, **kwargs):
    services.reindex_page_tree(page=Page.objects.get(pk=instance.pk))


def handle_page_deleted(sender, instance, **kwargs):
    services.remove_object(obj=instance)


def handle_view_restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        services.reindex_page_tree(page=page)


def handle_snippet_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.index_object(obj=instance)


def handle_snippet_deleted(sender, instance, **kwargs):
    services.remove_object(obj=instance)


def handle_snippet_part_changed(sender, instance, **kwargs):
    """A child row (e.g. a consultation window's period) changed: its parent's document changes with it."""
    parent_model, parent_id = registry.parent_of_part(instance)
    parent = parent_model._default_manager.filter(pk=parent_id).first() if parent_id else None
    if parent is not None:
        services.index_object(obj=parent)


def connect() -> None:
    page_published.connect(handle_page_published, dispatch_uid="search_page_published")
    page_unpublished.connect(handle_page_unpublished, dispatch_uid="search_page_unpublished")
    post_page_move.connect(handle_page_moved, dispatch_uid="search_page_moved")
    post_delete.connect(handle_page_deleted, sender=Page, dispatch_uid="search_page_deleted")
    for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(handle_view_restriction_changed, sender=PageViewRestriction, dispatch_uid=f"search_pvr_{uid}")
    for source in registry.sources():
        if issubclass(source.model, Page):
            continue
        post_save.connect(handle_snippet_saved, sender=source.model, dispatch_uid=f"search_save_{source.model.__name__}")
        post_delete.connect(
            handle_snippet_deleted, sender=source.model, dispatch_uid=f"search_delete_{source.model.__name__}"
        )
        for part, _field in source.parts:
            post_save.connect(handle_snippet_part_changed, sender=part, dispatch_uid=f"search_part_save_{part.__name__}")
            post_delete.connect(
                handle_snippet_part_changed, sender=part, dispatch_uid=f"search_part_delete_{part.__name__}"
            )
