from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.mypage, name="mypage"),
    path("profile/", views.profile_edit, name="profile"),
    path("delete/", views.account_delete, name="delete"),
    path("security/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("security/enrol/<str:token>/", views.mfa_enrol_confirm, name="mfa_enrol_confirm"),
]
