"""/admin/reports/regions/… (registered through wagtail_hooks, so Wagtail's admin login gate applies)."""

from django.urls import path

from . import views

app_name = "reports_regions"

urlpatterns = [
    path("", views.index, name="index"),
    path("nation/", views.report, {"level": "nation"}, name="nation"),
    path("nation/export/", views.export, {"level": "nation"}, name="nation_export"),
    path("pref/<str:code>/", views.report, {"level": "prefecture"}, name="prefecture"),
    path("pref/<str:code>/export/", views.export, {"level": "prefecture"}, name="prefecture_export"),
    path("muni/<str:code>/", views.report, {"level": "municipality"}, name="municipality"),
    path("muni/<str:code>/export/", views.export, {"level": "municipality"}, name="municipality_export"),
]
