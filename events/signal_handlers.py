from .services import apply_published_workshop


def handle_workshop_published(sender, instance, **kwargs):
    """A workshop was published (from the admin or by cancelling it in the trainer console): notify on cancellation,
    or give seats freed by a raised capacity to the waitlist."""
    revision = kwargs.get("revision")
    apply_published_workshop(workshop=instance, by=getattr(revision, "user", None))
