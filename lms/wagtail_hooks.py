"""Admin hooks of the platform core: moderation that says what it does (lms.moderation)."""

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.action_menu import WorkflowMenuItem

from lms.moderation import approval_message, approve_label, scheduled_go_live


@hooks.register("construct_page_action_menu")
def name_the_go_live_time_on_approve(menu_items, request, context):
    """「承認と公開」 only scheduled a page that had a go-live time: the label now says which of the two happens."""
    page = context.get("page")
    if page is None:
        return
    state = page.current_workflow_state
    final_task = bool(state and state.is_at_final_task)
    go_live = None
    for item in menu_items:
        if isinstance(item, WorkflowMenuItem) and item.name == "approve":
            if go_live is None:
                go_live = scheduled_go_live(page) or False
            item.label = approve_label(go_live or None, final_task=final_task)


@hooks.register("after_edit_page")
def say_what_the_approval_did(request, page):
    if "action-workflow-action" in request.POST and request.POST.get("workflow-action-name") == "approve":
        messages.success(request, approval_message(page))
