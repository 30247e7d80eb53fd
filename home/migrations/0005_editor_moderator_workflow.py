"""Editors write, moderators approve: the groups' permissions and the moderation workflow.

Wagtail's initial data already makes the groups "Editors" (add + edit pages) and "Moderators" (add, edit, publish,
lock, unlock) and a "Moderators approval" workflow on the root page. This migration states that set-up explicitly,
whatever the database went through before:

- Editors may add and edit pages anywhere, but never publish (nor bulk-delete); their changes go to a moderator.
- Moderators may add, edit, publish, lock and unlock pages, and keep the consultation windows (snippets) current:
  a phone number or an opening period is shown site-wide the moment it is saved, so only moderators change them.
  Editors may see and choose them.
- One workflow, 「編集者の申請→モデレーターの承認」, with one group-approval task for Moderators, applies to every page
  (assigned to the root page).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
MODERATORS = "Moderators"
WORKFLOW_NAME = "編集者の申請→モデレーターの承認"
TASK_NAME = "モデレーターの承認"
OLD_WORKFLOW_NAME = "Moderators approval"

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
EDITOR_FORBIDDEN_PAGE_PERMISSIONS = ["publish_page", "bulk_delete_page"]
MODERATOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
SNIPPET_MODEL = "consultationresource"
MODERATOR_SNIPPET_PERMISSIONS = [f"{action}_{SNIPPET_MODEL}" for action in ("add", "change", "delete", "view")]
EDITOR_SNIPPET_PERMISSIONS = [f"view_{SNIPPET_MODEL}"]


def _ensure_model_permissions(apps):
    """Model permissions are normally created after all migrations (post_migrate); create home's now."""
    app_config = apps.get_app_config("home")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def _moderators_task(apps, moderators):
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for task in GroupApprovalTask.objects.filter(active=True, groups=moderators):
        if set(task.groups.values_list("pk", flat=True)) == {moderators.pk}:
            return task
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=content_type, active=True)
    task.groups.set([moderators])
    return task


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    _ensure_model_permissions(apps)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    root = Page.objects.get(depth=1)

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    editors.permissions.add(access_admin)
    moderators.permissions.add(access_admin)

    def page_permission(codename):
        return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)

    for codename in EDITOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=page_permission(codename))
    GroupPagePermission.objects.filter(
        group=editors, permission__codename__in=EDITOR_FORBIDDEN_PAGE_PERMISSIONS
    ).delete()
    for codename in MODERATOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(group=moderators, page=root, permission=page_permission(codename))

    snippet_permissions = Permission.objects.filter(content_type__app_label="home")
    moderators.permissions.add(*snippet_permissions.filter(codename__in=MODERATOR_SNIPPET_PERMISSIONS))
    editors.permissions.add(*snippet_permissions.filter(codename__in=EDITOR_SNIPPET_PERMISSIONS))
    editors.permissions.remove(
        *snippet_permissions.filter(codename__in=set(MODERATOR_SNIPPET_PERMISSIONS) - set(EDITOR_SNIPPET_PERMISSIONS))
    )

    task = _moderators_task(apps, moderators)
    task.name = TASK_NAME
    task.save(update_fields=["name"])
    workflow = Workflow.objects.filter(active=True, workflow_tasks__task=task).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    else:
        workflow.name = WORKFLOW_NAME
        workflow.save(update_fields=["name"])
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def backwards(apps, schema_editor):
    """Back to Wagtail's names; page permissions stay (they are Wagtail's defaults for these groups)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow.objects.filter(name=WORKFLOW_NAME).update(name=OLD_WORKFLOW_NAME)
    GroupApprovalTask.objects.filter(name=TASK_NAME).update(name=OLD_WORKFLOW_NAME)
    snippet_permissions = Permission.objects.filter(content_type__app_label="home", codename__endswith=SNIPPET_MODEL)
    for group in Group.objects.filter(name__in=[EDITORS, MODERATORS]):
        group.permissions.remove(*snippet_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0004_campaign_and_standard_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
