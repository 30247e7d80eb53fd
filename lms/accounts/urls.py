from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.mypage, name="mypage"),
    path("profile/", views.profile_edit, name="profile"),
    path("delete/", views.account_delete, name="delete"),
]
