from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "lms.regions"
    label = "regions"
    verbose_name = "地域（都道府県・市区町村）"
