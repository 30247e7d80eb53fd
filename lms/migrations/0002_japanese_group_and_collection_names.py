"""The superuser meets the Wagtail groups and the root collection by name (groups listing, the users' roles, the
moderation task, image and document collections). Wagtail's initial data calls them 「Editors」, 「Moderators」 and
「Root」: rename them 「編集者」, 「モデレーター」 (the names the workflow 「編集者の申請→モデレーターの承認」 already uses) and
「ルート」. Code looks the groups up through `lms.accounts.enums.EDITOR_GROUP` / `MODERATOR_GROUP`.

Only a group still called by the English name is renamed, and not if a group with the Japanese name exists already
(nothing is merged). Migrations that ran before this one (home 0005, search 0003) used the English names."""

from django.db import migrations

GROUPS = {"Editors": "編集者", "Moderators": "モデレーター"}
ROOT_COLLECTION = ("Root", "ルート")


def rename(apps, schema_editor, names, collection):
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    for old, new in names.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)
    old, new = collection
    Collection.objects.filter(depth=1, name=old).update(name=new)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, GROUPS, ROOT_COLLECTION)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in GROUPS.items()}, ROOT_COLLECTION[::-1])


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_root_page_title_in_japanese"),
        ("home", "0005_editor_moderator_workflow"),
        ("search", "0003_editors_manage_promotions"),
        # Wagtail's own migrations that grant permissions to the groups by their English names.
        ("wagtailcore", "0001_squashed_0016_change_page_url_path_to_text_field"),
        ("wagtailcore", "0025_collection_initial_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0001_squashed_0021"),
        ("wagtaildocs", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
