from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = "アカウント"

    def ready(self):
        from allauth.mfa import signals as mfa_signals

        from . import mfa
        from .models import RoleAssignment
        from .signal_handlers import handle_role_assignment_changed

        post_save.connect(handle_role_assignment_changed, sender=RoleAssignment, dispatch_uid="role_groups_save")
        post_delete.connect(handle_role_assignment_changed, sender=RoleAssignment, dispatch_uid="role_groups_delete")
        mfa_signals.authenticator_added.connect(mfa.on_authenticator_added, dispatch_uid="lms_mfa_added")
        mfa_signals.authenticator_removed.connect(mfa.on_authenticator_removed, dispatch_uid="lms_mfa_removed")
