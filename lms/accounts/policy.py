"""The access policy: the one module that answers every "may this user see or act on X" (docs/access-policy.md).

Views, exports, admin listings, the admin API, tasks and commands ask here and nowhere else:

- **Regions** — `region_scope(user, role)` gives a `RegionScope`; its `covers_*` methods answer for one region and
  `filter_queryset` narrows a queryset. A superuser has national scope for every role; everyone else has exactly
  what their RoleAssignments say, per role (a trainer's scope is not an officer's).
- **Staff** — `is_staff_user`, `may_enter_staff_area`. Staff screens also need a session in which TOTP was completed
  (`lms.accounts.mfa`, which asks `needs_staff_session` here).
- **Workshop pages** — `may_edit_workshop` / `editable_workshops`: editors and moderators edit every workshop
  page; trainers the ones in their regions.
- **Rosters and attendees' personal data** — `may_see_roster` / `roster_workshops`: the workshop's own trainers
  (a trainer role covering its municipality) and superusers. Editors and moderators do not get rosters, and a
  trainer who is also an editor sees only the rosters of their own regions.
- **Admin page listings** (explorer, search, history, reports, admin API) — `admin_hidden_page_ids`: a trainer who
  is not an editor sees only the workshops of their regions.
- **Employer organisations** — `administered_organisations`: the organisations the user is employer admin of.
- **Certificate files** — `certificate_access`: the holder, or staff with `certificates.view_certificate`.
- **Reports and exports** — `may_see_reports`, `report_area_allowed`: regional officers within their officer scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from lms.regions.models import Municipality, Prefecture

from .enums import EDITOR_GROUP, MODERATOR_GROUP, Role

# --- Regions ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionScope:
    national: bool = False
    prefecture_codes: frozenset[str] = field(default_factory=frozenset)
    municipality_codes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.national or self.prefecture_codes or self.municipality_codes)

    def covers_prefecture(self, prefecture: Prefecture | str) -> bool:
        """Prefecture-wide data (every municipality in it) needs the prefecture itself, or the nation."""
        code = prefecture if isinstance(prefecture, str) else prefecture.code
        return self.national or code in self.prefecture_codes

    def covers_municipality(self, municipality: Municipality) -> bool:
        """A municipality is covered by the nation, its prefecture, itself, or (for a ward) its city."""
        return (
            self.national
            or municipality.prefecture_id in self.prefecture_codes
            or municipality.code in self.municipality_codes
            or (municipality.parent_id is not None and municipality.parent_id in self.municipality_codes)
        )

    def covers_nation(self) -> bool:
        return self.national

    def municipality_q(self, lookup: str = "municipality") -> Q:
        """A Q object selecting rows whose `lookup` (a FK to Municipality) is in scope; matches nothing if empty."""
        if self.national:
            return Q()
        q = Q(pk__in=[])
        if self.prefecture_codes:
            q |= Q(**{f"{lookup}__prefecture_id__in": sorted(self.prefecture_codes)})
        if self.municipality_codes:
            codes = sorted(self.municipality_codes)
            q |= Q(**{f"{lookup}_id__in": codes}) | Q(**{f"{lookup}__parent_id__in": codes})
        return q

    def filter_queryset(self, queryset: QuerySet, lookup: str = "municipality") -> QuerySet:
        return queryset.filter(self.municipality_q(lookup))

    def municipalities(self) -> QuerySet:
        """The municipalities (including inactive ones, for history) this scope covers."""
        if self.national:
            return Municipality.objects.all()
        return Municipality.objects.filter(
            Q(prefecture_id__in=self.prefecture_codes)
            | Q(code__in=self.municipality_codes)
            | Q(parent_id__in=self.municipality_codes)
        )

    def prefectures(self) -> QuerySet:
        """Prefectures whose prefecture-wide figures this scope may see."""
        if self.national:
            return Prefecture.objects.all()
        return Prefecture.objects.filter(code__in=self.prefecture_codes)


NO_SCOPE = RegionScope()
NATIONAL_SCOPE = RegionScope(national=True)


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def region_scope(user, role: Role | str) -> RegionScope:
    """The regions `user` may see or act on in `role`. Anonymous users and users without the role get NO_SCOPE."""
    if not _signed_in(user):
        return NO_SCOPE
    if user.is_superuser:
        return NATIONAL_SCOPE
    cache = user.__dict__.setdefault("_region_scope_cache", {})
    if role in cache:
        return cache[role]
    national = False
    prefectures: set[str] = set()
    municipalities: set[str] = set()
    for is_national, pref, muni in user.role_assignments.filter(role=role).values_list(
        "is_national", "prefecture_id", "municipality_id"
    ):
        national = national or is_national
        if pref:
            prefectures.add(pref)
        if muni:
            municipalities.add(muni)
    scope = RegionScope(national, frozenset(prefectures), frozenset(municipalities))
    cache[role] = scope
    return scope


def can_access_region(
    user, *, role: Role | str, prefecture: Prefecture | str | None = None, municipality: Municipality | None = None
) -> bool:
    """May `user`, acting as `role`, see or act on this region? Give exactly one of prefecture / municipality;
    with neither, the question is about the whole nation."""
    scope = region_scope(user, role)
    if municipality is not None:
        return scope.covers_municipality(municipality)
    if prefecture is not None:
        return scope.covers_prefecture(prefecture)
    return scope.covers_nation()


def has_role(user, role: Role | str) -> bool:
    if not _signed_in(user):
        return False
    return user.is_superuser or user.role_assignments.filter(role=role).exists()


# --- Staff -----------------------------------------------------------------------------------------------------

EDITOR_GROUPS = (EDITOR_GROUP, MODERATOR_GROUP)
CERTIFICATE_STAFF_PERMISSION = "certificates.view_certificate"


def is_page_editor(user) -> bool:
    """Editors and moderators (Wagtail groups) and superusers: they edit every page, workshops included."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    cache = user.__dict__
    if "_is_page_editor" not in cache:
        cache["_is_page_editor"] = user.groups.filter(name__in=EDITOR_GROUPS).exists()
    return cache["_is_page_editor"]


def is_staff_user(user) -> bool:
    """Anyone who can reach a staff screen: superusers, any role (trainer, officer, employer admin), Wagtail admin
    access (editors, moderators), certificate staff. Staff need TOTP completed in the session (lms.accounts.mfa)."""
    if not _signed_in(user):
        return False
    return (
        user.is_superuser
        or user.role_assignments.exists()
        or user.has_perm("wagtailadmin.access_admin")
        or user.has_perm(CERTIFICATE_STAFF_PERMISSION)
    )


def may_enter_staff_area(user, path: str) -> bool:
    """May this signed-in user enter the staff area (settings.STAFF_PATH_PREFIXES) that `path` belongs to?"""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    if path.startswith("/trainer/"):
        return has_role(user, Role.TRAINER)
    if path.startswith("/admin/"):
        return user.has_perm("wagtailadmin.access_admin")
    return False


# --- Workshop pages and rosters --------------------------------------------------------------------------------


def trainer_scope(user) -> RegionScope:
    return region_scope(user, Role.TRAINER)


def _trainer_covers(user, workshop) -> bool:
    if workshop.municipality_id is None:
        return False
    return trainer_scope(user).covers_municipality(workshop.municipality)


def may_edit_workshop(user, workshop) -> bool:
    """May `user` edit this workshop's page (admin)? Editors and moderators: every one; trainers: their regions."""
    return is_page_editor(user) or _trainer_covers(user, workshop)


def editable_workshops(user, queryset: QuerySet) -> QuerySet:
    """Narrow a WorkshopPage queryset to the pages `user` may edit."""
    if is_page_editor(user):
        return queryset
    return trainer_scope(user).filter_queryset(queryset, lookup="municipality")


def may_see_roster(user, workshop) -> bool:
    """May `user` see this workshop's roster and run it (attendance, walk-ins, check-in, closing, exports)?
    Personal data: only the workshop's own trainers (their trainer role covers its municipality) and superusers.
    Being an editor or moderator gives no roster."""
    if not _signed_in(user):
        return False
    return user.is_superuser or _trainer_covers(user, workshop)


def roster_workshops(user, queryset: QuerySet) -> QuerySet:
    """Narrow a WorkshopPage queryset to the workshops whose roster `user` may see (see `may_see_roster`)."""
    if not _signed_in(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return trainer_scope(user).filter_queryset(queryset, lookup="municipality")


def admin_hidden_page_ids(user) -> QuerySet | None:
    """Page ids `user` must not see in any admin listing, search, report or the admin API (None: nothing hidden).
    Editors and moderators see every page; anyone else does not see the workshops outside their trainer regions
    (drafts included: a title is already information)."""
    if is_page_editor(user):
        return None
    from events.models import WorkshopPage

    visible = editable_workshops(user, WorkshopPage.objects.all()).values("pk")
    return WorkshopPage.objects.exclude(pk__in=visible).values("pk")


# --- Employer organisations ------------------------------------------------------------------------------------


def administered_organisations(user) -> QuerySet:
    """The organisations whose page (invite code, linked staff) `user` may see: employer admins of them;
    superusers all."""
    from .models import Organisation

    if not _signed_in(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        roleassignment__user=user, roleassignment__role=Role.EMPLOYER_ADMIN
    ).distinct()


# --- Certificates ----------------------------------------------------------------------------------------------

HOLDER = "holder"
STAFF = "staff"


def certificate_access(user, certificate) -> str | None:
    """Who is asking for a certificate's files: HOLDER (their own), STAFF (certificate staff; needs a staff
    session, lms.accounts.mfa), or None (nobody else: the view answers 404)."""
    if not _signed_in(user):
        return None
    if certificate.holder_id == user.pk:
        return HOLDER
    if user.has_perm(CERTIFICATE_STAFF_PERMISSION):
        return STAFF
    return None


def may_manage_certificates(user, action: str = "view") -> bool:
    """The admin's certificate screens: find and view (`view`), revoke (`revoke`)."""
    return _signed_in(user) and user.has_perm(f"certificates.{action}_certificate")


# --- Reports and exports ---------------------------------------------------------------------------------------


def may_see_reports(user) -> bool:
    """Regional reports and their exports are for regional officers (and superusers)."""
    return has_role(user, Role.OFFICER)


def report_scope(user) -> RegionScope:
    return region_scope(user, Role.OFFICER)
