"""Account rules: creating and updating a learner's profile, deleting an account, granting roles."""

from __future__ import annotations

import unicodedata
import uuid

from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from lms.regions.models import Municipality

from .enums import ROLE_GROUPS, Role
from .models import LearnerProfile, RoleAssignment, User

# Sent inside the deletion transaction so apps can erase their own copies of personal data (e.g. the name on a
# certificate). Receivers must not keep anything that identifies the person.
personal_data_erased = Signal()  # args: user

_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_person_text(value: str) -> str:
    """Strip control and format characters and surrounding/duplicate spaces from a name. Characters outside the
    BMP (e.g. 𠮷 in real surnames) are kept."""
    value = "".join(ch for ch in value if unicodedata.category(ch) not in _CONTROL)
    return " ".join(value.replace("\u3000", " ").split())


def normalise_furigana(value: str) -> str:
    """NFKC folds half-width katakana (ｶﾀｶﾅ) to full width; spaces are collapsed."""
    return clean_person_text(unicodedata.normalize("NFKC", value))


def is_kana(value: str) -> bool:
    """Hiragana, katakana, the long-vowel mark, iteration marks, the middle dot and spaces only."""
    for ch in value:
        code = ord(ch)
        if ch == " " or 0x3041 <= code <= 0x3096 or 0x309D <= code <= 0x309E or 0x30A1 <= code <= 0x30FE:
            continue
        return False
    return bool(value.strip())


@transaction.atomic
def create_learner_profile(
    *,
    user: User,
    full_name: str,
    furigana: str,
    municipality: Municipality,
    age_band: str,
    occupation: str = "",
    consent_statistics: bool = False,
) -> LearnerProfile:
    """A new learner's profile. Consents are what the person ticked (nothing is assumed); sharing with an employer
    is consented to when linking to one (certificates.services.link_to_organisation), never at sign-up."""
    profile = LearnerProfile(
        user=user,
        full_name=clean_person_text(full_name),
        furigana=normalise_furigana(furigana),
        municipality=municipality,
        age_band=age_band,
        occupation=occupation,
        consent_terms_at=timezone.now(),
        consent_statistics=consent_statistics,
        consent_employer_share=False,
    )
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def update_learner_profile(*, profile: LearnerProfile, **changes) -> LearnerProfile:
    allowed = {
        "full_name",
        "furigana",
        "municipality",
        "age_band",
        "occupation",
        "consent_statistics",
        "consent_employer_share",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Unknown profile fields: {sorted(unknown)}")
    if "full_name" in changes:
        changes["full_name"] = clean_person_text(changes["full_name"])
    if "furigana" in changes:
        changes["furigana"] = normalise_furigana(changes["furigana"])
    if changes.get("consent_employer_share") and not profile.employer_id:
        # Consent to share is given when linking with an invite code, not by ticking a box with no organisation.
        changes["consent_employer_share"] = False
    if "consent_employer_share" in changes and not changes["consent_employer_share"]:
        profile.employer = None  # withdrawing the consent ends the link: the two always change together
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Remove a person's personal data and close the account.

    The user row stays, anonymised and inactive, with only the municipality, age band and occupation field of its
    profile: regional counts (registrations, progress, completions) stay right, and nothing identifies the person.
    Other apps erase their own copies in `personal_data_erased` receivers."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    personal_data_erased.send(sender=User, user=user)

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    for assignment in user.role_assignments.all():
        assignment.delete()
    user.groups.clear()
    user.user_permissions.clear()

    profile = getattr(user, "profile", None)
    if profile is not None:
        LearnerProfile.objects.filter(pk=profile.pk).update(
            full_name="",
            furigana="",
            employer=None,
            consent_employer_share=False,
        )

    user.email = f"deleted-{uuid.uuid4().hex}@deleted.invalid"
    user.first_name = user.last_name = ""
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()


@transaction.atomic
def assign_role(
    *,
    user: User,
    role: Role | str,
    granted_by: User | None = None,
    is_national: bool = False,
    prefecture=None,
    municipality=None,
    organisation=None,
) -> RoleAssignment:
    """Grant a staff role with its scope; trainers and officers also join the Wagtail group of their role (which
    gives them the admin). Idempotent: granting the same scope twice returns the existing assignment."""
    existing = RoleAssignment.objects.filter(
        user=user,
        role=role,
        is_national=is_national,
        prefecture=prefecture,
        municipality=municipality,
        organisation=organisation,
    ).first()
    if existing:
        return existing
    assignment = RoleAssignment(
        user=user,
        role=role,
        is_national=is_national,
        prefecture=prefecture,
        municipality=municipality,
        organisation=organisation,
        granted_by=granted_by,
    )
    assignment.full_clean()
    assignment.save()  # the post_save receiver syncs the user's Wagtail groups
    return assignment


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment) -> None:
    assignment.delete()  # the post_delete receiver syncs the user's Wagtail groups


def sync_role_groups(*, user: User) -> None:
    """Keep the user's Wagtail role groups equal to the roles they hold."""
    held = set(user.role_assignments.values_list("role", flat=True))
    for role, group_name in ROLE_GROUPS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        if role in held:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    user.__dict__.pop("_region_scope_cache", None)
