from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "ホーム・強化月間"

    def ready(self):
        from .models import ConsultationPeriod, ConsultationResource, OperatorSettings
        from .signal_handlers import handle_consultation_changed

        for model in (ConsultationResource, ConsultationPeriod):
            post_save.connect(handle_consultation_changed, sender=model, dispatch_uid=f"footer-save-{model.__name__}")
            post_delete.connect(handle_consultation_changed, sender=model, dispatch_uid=f"footer-del-{model.__name__}")
        post_save.connect(_forget_operator_footer, sender=OperatorSettings, dispatch_uid="home-operator-footer")


def _forget_operator_footer(**kwargs):
    from django.core.cache import cache

    from .templatetags.home_tags import OPERATOR_FOOTER_CACHE_KEY

    cache.delete(OPERATOR_FOOTER_CACHE_KEY)
