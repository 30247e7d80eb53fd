from django.urls import path

from . import views, views_checks

app_name = "certificates"

urlpatterns = [
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path("verify/", views.verify_form, name="verify"),
    path("verify/bulk/", views.bulk_verify, name="bulk_verify"),
    path("verify/<str:number>/", views.verify_number, name="verify_number"),
    path("verify/<str:number>/name-check/", views_checks.name_check, name="name_check"),
    path("certificates/status/revocation/", views_checks.status_list, name="status_list"),
    path("certificates/<str:number>/reissue/", views_checks.reissue, name="reissue"),
    path("certificates/<str:number>/pdf/", views.download, {"kind": "pdf"}, name="download_pdf"),
    path("certificates/<str:number>/card/", views.download, {"kind": "card"}, name="download_card"),
    path("certificates/<str:number>/credential/", views.credential, name="credential"),
    path("certificates/<str:number>/name-display/", views.name_display, name="name_display"),
    path("certificates/achievements/<int:course_id>/", views.achievement, name="achievement"),
    path("organisation/link/", views.organisation_link, name="organisation_link"),
    path("organisation/unlink/", views.organisation_unlink, name="organisation_unlink"),
    path("employers/", views.organisation_index, name="organisation_index"),
    path("employers/<int:organisation_id>/", views.organisation_detail, name="organisation"),
]
