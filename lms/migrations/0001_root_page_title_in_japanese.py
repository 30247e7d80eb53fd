"""The tree's root page is called 「Root」 by Wagtail's first migration; staff see it in the page explorer and
breadcrumbs of every page. Rename it 「ルート」 (only if nobody renamed it already)."""

from django.db import migrations


def rename_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title="ルート", draft_title="ルート")


def restore_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="ルート").update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [("wagtailcore", "0002_initial_data")]

    operations = [migrations.RunPython(rename_root, restore_root)]
