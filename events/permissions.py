"""Who may do what with workshops: the one place that decides it for the admin and the trainer console.

- Editors (the Wagtail groups Editors and Moderators) and superusers: every workshop.
- Anyone else (trainers): only workshops whose municipality their trainer role covers
  (`lms.accounts.scoping.region_scope(user, Role.TRAINER)`), and they cannot delete or move them (they cancel
  instead, which notifies the people registered).

The admin asks `WorkshopPage.permissions_for_user`, which returns `WorkshopPermissionTester`, for every page action
(edit, publish, unpublish, revisions, copy, move, delete, lock, preview); the municipality a trainer may choose is
limited by `events.forms.WorkshopPageForm`."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import PagePermissionTester

from lms.accounts.enums import Role
from lms.accounts.scoping import RegionScope, region_scope

EDITOR_GROUPS = ("Editors", "Moderators")


def is_workshop_editor(user) -> bool:
    """Editors and superusers see and edit every workshop."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = user.__dict__
    if "_is_workshop_editor" not in cache:
        cache["_is_workshop_editor"] = user.groups.filter(name__in=EDITOR_GROUPS).exists()
    return cache["_is_workshop_editor"]


def trainer_scope(user) -> RegionScope:
    return region_scope(user, Role.TRAINER)


def can_manage_workshop(user, workshop) -> bool:
    """May `user` edit this workshop and run it (roster, check-in, closing)?"""
    if is_workshop_editor(user):
        return True
    if workshop.municipality_id is None:
        return False
    return trainer_scope(user).covers_municipality(workshop.municipality)


def manageable_workshops(user, queryset: QuerySet) -> QuerySet:
    """Narrow a WorkshopPage queryset to what `user` may manage."""
    if is_workshop_editor(user):
        return queryset
    return trainer_scope(user).filter_queryset(queryset, lookup="municipality")


class WorkshopPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, narrowed to the trainer's regions for non-editors."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.is_editor = is_workshop_editor(user)
        # A page being created has no municipality yet: the form limits the choice (WorkshopPageForm).
        self.in_scope = self.is_editor or page.municipality_id is None or can_manage_workshop(user, page)

    def _scoped(self, allowed: bool) -> bool:
        return allowed and self.in_scope

    def can_edit(self):
        return self._scoped(super().can_edit())

    def can_publish(self):
        return self._scoped(super().can_publish())

    def can_unpublish(self):
        return self._scoped(super().can_unpublish())

    def can_submit_for_moderation(self):
        return self._scoped(super().can_submit_for_moderation())

    def can_set_view_restrictions(self):
        return self._scoped(super().can_set_view_restrictions())

    def can_unschedule(self):
        return self._scoped(super().can_unschedule())

    def can_lock(self):
        return self._scoped(super().can_lock())

    def can_unlock(self):
        return self._scoped(super().can_unlock())

    def can_copy(self):
        return self._scoped(super().can_copy())

    def can_view_revisions(self):
        return self._scoped(super().can_view_revisions())

    def can_delete(self, ignore_bulk=False):
        # Trainers cancel a workshop (people registered are told) rather than delete it.
        return self.is_editor and super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self):
        return self.is_editor and super().can_move()
