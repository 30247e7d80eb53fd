from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "修了証"

    def ready(self):
        from lms.accounts.services import personal_data_erased

        from . import checks  # noqa: F401  (registers the system checks)
        from .signal_handlers import handle_personal_data_erased

        personal_data_erased.connect(handle_personal_data_erased, dispatch_uid="certificates_erase_personal_data")
