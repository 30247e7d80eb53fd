"""The one place that decides which regions a user may see or act on, per role.

Every view with regional or personal data asks here: `region_scope(user, role)` gives a `RegionScope`; its
`covers_*` methods answer for one region and `filter_queryset` narrows a queryset. Nothing else grants regional
access. A superuser has national scope for every role; everyone else has exactly what their RoleAssignments say."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from lms.regions.models import Municipality, Prefecture

from .enums import Role


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


def region_scope(user, role: Role | str) -> RegionScope:
    """The regions `user` may see or act on in `role`. Anonymous users and users without the role get NO_SCOPE."""
    if user is None or not user.is_authenticated or not user.is_active:
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
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.role_assignments.filter(role=role).exists()
