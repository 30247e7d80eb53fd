"""Short public URLs, included at /c/: the check-in QR code (/c/<token>/, ASCII, a small QR code) and the page where
a walk-in types the trainer's one-time code (/c/)."""

from django.urls import path

from .views import public

app_name = "events_short"

urlpatterns = [
    path("", public.enter_walk_in_code, name="walk_in_code"),
    path("claim/", public.claim_certificate, name="claim"),
    path("<str:token>/", public.short_check_in, name="check_in"),
]
