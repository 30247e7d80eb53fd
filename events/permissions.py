"""Wagtail's page permissions for workshops. The rules live in the access policy (`lms.accounts.policy`,
docs/access-policy.md); this module only plugs them into Wagtail:

- Editing a workshop page: editors and moderators every one, trainers the ones in their regions
  (`policy.may_edit_workshop`); trainers cannot delete or move them (they cancel instead, which notifies the
  people registered).
- The roster and the trainer console (personal data) are `policy.may_see_roster` / `policy.roster_workshops`:
  the workshop's own trainers and superusers only, never editors or moderators as such.

The admin asks `WorkshopPage.permissions_for_user`, which returns `WorkshopPermissionTester`, for every page action
(edit, publish, unpublish, revisions, copy, move, delete, lock, preview); the municipality a trainer may choose is
limited by `events.forms.WorkshopPageForm`."""

from __future__ import annotations

from wagtail.models import PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

from lms.accounts.policy import (
    EDITOR_GROUPS,
    admin_hidden_page_ids,
    editable_workshops,
    is_page_editor,
    may_edit_workshop,
    roster_workshops,
    trainer_scope,
)

# Names kept for the callers of this module.
is_workshop_editor = is_page_editor
can_manage_workshop = may_edit_workshop
manageable_workshops = editable_workshops

__all__ = [
    "EDITOR_GROUPS",
    "RegionalPagePermissionPolicy",
    "WorkshopPermissionTester",
    "can_manage_workshop",
    "editable_workshops",
    "is_workshop_editor",
    "manageable_workshops",
    "roster_workshops",
    "trainer_scope",
]


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


class RegionalPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permission policy, minus the pages the access policy hides from this user
    (`policy.admin_hidden_page_ids`: other regions' workshops for a trainer who is not an editor).

    Registered for every page type (events/wagtail_hooks.py), so every admin listing that asks Wagtail's policy
    registry is narrowed the same way: the explorer, page search, site history, the aging / locked pages and
    workflow reports, the dashboard and the admin API (/admin/api/main/pages/)."""

    def _without_hidden(self, user, queryset):
        hidden = admin_hidden_page_ids(user)
        return queryset if hidden is None else queryset.exclude(pk__in=hidden)

    def instances_user_has_any_permission_for(self, user, actions):
        return self._without_hidden(user, super().instances_user_has_any_permission_for(user, actions))

    def explorable_instances(self, user):
        return self._without_hidden(user, super().explorable_instances(user))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not super().user_has_any_permission_for_instance(user, actions, instance):
            return False
        hidden = admin_hidden_page_ids(user)
        return hidden is None or not hidden.filter(pk=instance.pk).exists()
