from .services import sync_role_groups


def handle_role_assignment_changed(sender, instance, **kwargs):
    """A role granted or withdrawn (in the admin or by a service) updates the user's Wagtail groups."""
    sync_role_groups(user=instance.user)
