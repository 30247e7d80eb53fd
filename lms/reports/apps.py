from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lms.reports"
    label = "reports"
    verbose_name = "地域別レポート"

    def ready(self):
        from allauth.account.models import EmailAddress
        from django.db.models.signals import post_delete, post_save

        from certificates.models import Certificate
        from lms.accounts.models import LearnerProfile, User
        from lms.accounts.services import personal_data_erased

        from . import signal_handlers as handlers

        post_save.connect(handlers.handle_learner_changed, sender=User, dispatch_uid="reports_user_saved")
        post_save.connect(handlers.handle_learner_changed, sender=LearnerProfile, dispatch_uid="reports_profile_saved")
        post_delete.connect(
            handlers.handle_learner_changed, sender=LearnerProfile, dispatch_uid="reports_profile_deleted"
        )
        post_save.connect(
            handlers.handle_email_address_changed, sender=EmailAddress, dispatch_uid="reports_email_saved"
        )
        post_delete.connect(
            handlers.handle_email_address_changed, sender=EmailAddress, dispatch_uid="reports_email_deleted"
        )
        post_save.connect(handlers.handle_certificate_saved, sender=Certificate, dispatch_uid="reports_cert_saved")
        personal_data_erased.connect(handlers.handle_personal_data_erased, dispatch_uid="reports_personal_data_erased")
