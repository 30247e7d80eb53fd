"""Admin views the platform replaces: Wagtail's workflow action from the dashboard, with a message that names the
go-live time (Wagtail's shows none)."""

from wagtail.admin import messages
from wagtail.admin.views.pages.workflow import WorkflowActionView

from lms.moderation import approval_message


class WorkflowActionWithMessage(WorkflowActionView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if self.action_name == "approve" and response.status_code in (200, 302):
            messages.success(request, approval_message(self.object))
        return response
