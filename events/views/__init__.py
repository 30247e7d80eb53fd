"""Request handling for workshops: the public pages (called from the page routes in models.py) and the trainer
console (events.urls). Views parse input, call one service or selector, and render; no rules live here."""

from .public import (  # noqa: F401  (the page routes call these through this package)
    workshop_accept_offer,
    workshop_cancel_registration,
    workshop_check_in,
    workshop_detail,
    workshop_ical,
    workshop_list_ical,
    workshop_listing,
    workshop_register,
)
