from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "修了証"

    def ready(self):
        from django.db.models.signals import post_save

        from lms.accounts.mypage import register_panel
        from lms.accounts.services import personal_data_erased

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import CertificateIssuerSettings
        from .mypage import certificates_panel, organisation_panel
        from .selectors import forget_issuer_name
        from .signal_handlers import handle_personal_data_erased

        post_save.connect(forget_issuer_name, sender=CertificateIssuerSettings, dispatch_uid="certificates_issuer_name")
        register_panel("certificates", order=20, func=certificates_panel)
        register_panel("organisation", order=80, func=organisation_panel)

        personal_data_erased.connect(handle_personal_data_erased, dispatch_uid="certificates_erase_personal_data")
