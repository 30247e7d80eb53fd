from .selectors import forget_footer_consultation_statuses


def handle_consultation_changed(sender, **kwargs):
    """A window or one of its periods was saved or deleted: the cached footer must show the change at once."""
    forget_footer_consultation_statuses()
