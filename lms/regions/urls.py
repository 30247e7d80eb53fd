from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path(
        "prefectures/<str:code>/municipalities/",
        views.prefecture_municipalities,
        name="prefecture_municipalities",
    ),
]
