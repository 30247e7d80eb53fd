"""Admin panels of workshop pages."""

from wagtail.admin.panels import Panel


class ChangeRecipientsPanel(Panel):
    """In the edit form's 「日時と場所」: who will be told if the date, time, place or URL is changed and published
    (the console's change page names them before saving)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "events/admin/change_recipients_panel.html"

        def get_context_data(self, parent_context=None):
            from .enums import RegistrationStatus
            from .models import Registration

            context = super().get_context_data(parent_context)
            counts = {"confirmed": 0, "waitlisted": 0}
            if self.instance is not None and self.instance.pk:
                for status in Registration.objects.filter(
                    workshop_id=self.instance.pk,
                    status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
                ).values_list("status", flat=True):
                    counts[status] += 1
            context.update({"counts": counts, "total": sum(counts.values()), "workshop": self.instance})
            return context
