"""Every URL route, classified by the access-policy rule that guards it (docs/access-policy.md, "Every route is
classified"). tests/accounts/test_route_access.py walks the URL resolver: a route no entry here matches fails the
suite, and each class is tried with every demo role.

Entries are matched in order against the route as the resolver spells it (e.g. "trainer/workshops/<int:pk>/");
an entry ending in "*" matches the prefix. A prefix is only used where one guard covers everything under it
(the staff-area middleware for /admin/ and /trainer/)."""

from __future__ import annotations

# Classes of route (the rule in lms/accounts/policy.py that decides each).
PUBLIC = "public"  # no personal or regional data beyond what is published
VERIFICATION = "verification"  # public by design: a certificate's holder name and status, nothing more
ACCOUNT = "account"  # allauth's own flows (sign-in, sign-up, password, 2FA)
OWN_DATA = "own data"  # a signed-in user's own data only (mypage, own certificate, own organisation link)
ADMIN = "admin"  # Wagtail admin: may_enter_staff_area + staff session; listings narrowed by admin_hidden_page_ids
REPORTS = "reports"  # may_see_reports + report_scope, staff session
TRAINER = "trainer"  # trainer console: may_enter_staff_area + staff session; each workshop by may_see_roster
EMPLOYER = "employer"  # administered_organisations + staff session
CERTIFICATE_FILE = "certificate file"  # certificate_access: the holder, or certificate staff in a staff session

ROUTES: list[tuple[str, str]] = [
    ("healthz", PUBLIC),
    ("_util/login/", ACCOUNT),
    ("_util/authenticate_with_password/*", PUBLIC),
    ("documents/*", PUBLIC),  # Wagtail documents: served under their collection's own view restrictions
    ("accounts/*", ACCOUNT),
    ("mypage/*", OWN_DATA),
    ("regions/prefectures/<str:code>/municipalities/", PUBLIC),
    ("api/v1/certificates/*", VERIFICATION),
    ("api/v1/*", PUBLIC),
    (".well-known/jwks.json", PUBLIC),
    ("verify/*", VERIFICATION),
    ("certificates/<str:number>/pdf/", CERTIFICATE_FILE),
    ("certificates/<str:number>/card/", CERTIFICATE_FILE),
    ("certificates/<str:number>/credential/", OWN_DATA),
    ("certificates/<str:number>/name-display/", OWN_DATA),
    ("certificates/<str:number>/reissue/", OWN_DATA),  # the holder's own certificate only
    ("certificates/status/revocation/", VERIFICATION),  # the signed revocation bitstring: no names
    ("certificates/achievements/<int:course_id>/", PUBLIC),
    ("organisation/link/", OWN_DATA),
    ("organisation/unlink/", OWN_DATA),
    ("employers/", EMPLOYER),
    ("employers/<int:organisation_id>/", EMPLOYER),
    ("trainer/*", TRAINER),
    ("c/", OWN_DATA),  # a walk-in confirms themselves (their own account)
    ("c/claim/", OWN_DATA),
    ("c/<str:token>/", OWN_DATA),
    ("search/", PUBLIC),
    ("contact/", PUBLIC),
    ("accessibility/", PUBLIC),  # the accessibility statement
    ("favicon.ico", PUBLIC),  # the contact form (what is sent is not shown back)
    ("admin/sprite/", PUBLIC),  # the admin's icon sprite
    ("admin/jsi18n/", PUBLIC),  # the admin's JavaScript translations
    ("admin/reports/regions/*", REPORTS),
    ("admin/*", ADMIN),
    ("^((?:[\\w\\-]+/)*)$", PUBLIC),  # Wagtail pages (private ones keep their own view restrictions)
]


def classify(route: str) -> str | None:
    for pattern, kind in ROUTES:
        if pattern.endswith("*"):
            if route.startswith(pattern[:-1]):
                return kind
        elif route == pattern:
            return kind
    return None
