from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = "アカウント"

    def ready(self):
        from .models import RoleAssignment
        from .signal_handlers import handle_role_assignment_changed

        post_save.connect(handle_role_assignment_changed, sender=RoleAssignment, dispatch_uid="role_groups_save")
        post_delete.connect(handle_role_assignment_changed, sender=RoleAssignment, dispatch_uid="role_groups_delete")
