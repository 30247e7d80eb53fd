"""Compatibility import: region scoping is part of the access policy, `lms.accounts.policy` (docs/access-policy.md)."""

from .policy import NATIONAL_SCOPE, NO_SCOPE, RegionScope, can_access_region, has_role, region_scope

__all__ = ["NATIONAL_SCOPE", "NO_SCOPE", "RegionScope", "can_access_region", "has_role", "region_scope"]
