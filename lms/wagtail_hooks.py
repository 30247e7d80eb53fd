"""Admin hooks of the platform core: moderation that says what it does (lms.moderation)."""

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.action_menu import WorkflowMenuItem

from lms.accounts.policy import EDITOR_GROUPS
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
            label = approve_label(go_live or None, final_task=final_task)
            # Wagtail offers approve twice: plainly and with a comment (a dialog).
            item.label = f"{label}（コメントを付ける）" if item.launch_modal else label


@hooks.register("after_edit_page")
def say_what_the_approval_did(request, page):
    if "action-workflow-action" in request.POST and request.POST.get("workflow-action-name") == "approve":
        messages.success(request, approval_message(page))


# --- Menus show each role only what it may use (issue 19.3) ---------------------------------------------------------

# Wagtail's own reports cover the whole site (every page's history, every workflow): for editors and moderators.
SITE_WIDE_REPORTS = {"locked-pages", "workflows", "workflow-tasks", "site-history", "aging-pages", "page-types-usage"}


def edits_site_content(user) -> bool:
    """Editors, moderators and superusers edit the site's pages; trainers and officers only their own areas."""
    return user.is_superuser or user.groups.filter(name__in=EDITOR_GROUPS).exists()


def _request_edits_site_content(request) -> bool:
    """The same answer once per request: Wagtail builds its menus (main, reports, help) several times for one
    screen, and each asked the database again — 5 of an edit screen's 48 queries."""
    answer = getattr(request, "_lms_edits_site_content", None)
    if answer is None:
        answer = request._lms_edits_site_content = edits_site_content(request.user)
    return answer


@hooks.register("construct_reports_menu")
def only_editors_get_site_wide_reports(request, menu_items):
    if not _request_edits_site_content(request):
        menu_items[:] = [item for item in menu_items if item.name not in SITE_WIDE_REPORTS]


@hooks.register("construct_main_menu")
def only_editors_get_site_wide_workflow_screens(request, menu_items):
    if not _request_edits_site_content(request):
        menu_items[:] = [item for item in menu_items if item.name not in {"workflows", "workflow-tasks"}]


@hooks.register("construct_help_menu")
def help_that_a_japanese_staff_member_can_use(request, menu_items):
    """「Wagtail の新機能」 opens an English release page: nobody here needs it. The editor guide (English, external)
    stays for editors and moderators only; everyone keeps the keyboard shortcuts."""
    keep_guide = _request_edits_site_content(request)
    menu_items[:] = [
        item
        for item in menu_items
        if not item.name.startswith("whats-new-in-wagtail") and (keep_guide or item.name != "editor-guide")
    ]
