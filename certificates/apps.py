from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "修了証"

    def ready(self):
        from lms.accounts.mypage import register_panel
        from lms.accounts.services import personal_data_erased

        from . import checks  # noqa: F401  (registers the system checks)
        from .mypage import certificates_panel, organisation_panel
        from .signal_handlers import handle_personal_data_erased

        register_panel("certificates", order=20, func=certificates_panel)
        register_panel("organisation", order=80, func=organisation_panel)

        personal_data_erased.connect(handle_personal_data_erased, dispatch_uid="certificates_erase_personal_data")
