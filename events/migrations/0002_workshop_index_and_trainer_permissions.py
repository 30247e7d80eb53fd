"""Create the workshop listing at /workshops/ (a public contract) under the home page, and let the 講師 (trainer)
group add, edit and publish workshops there. Which workshops a trainer may actually edit is narrowed to their
regions by WorkshopPage.permissions_for_user; this only opens the section of the page tree."""

from django.db import migrations

INDEX_SLUG = "workshops"
TRAINER_GROUP = "講師"
PERMISSIONS = ("add_page", "change_page", "publish_page")
STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_child_path(Page, parent):
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    if last is None:
        return parent.path + "0001"
    step = last.path[-STEPLEN:]
    number = 0
    for char in step:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    number += 1
    digits = ""
    for _ in range(STEPLEN):
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    return parent.path + digits


def create_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("home", "HomePage")
    WorkshopIndexPage = apps.get_model("events", "WorkshopIndexPage")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    index = WorkshopIndexPage.objects.first()
    if index is None:
        if Page.objects.filter(path__startswith=home.path, depth=home.depth + 1, slug=INDEX_SLUG).exists():
            return  # the slug is taken by another page; an administrator decides
        content_type, _ = ContentType.objects.get_or_create(app_label="events", model="workshopindexpage")
        index = WorkshopIndexPage.objects.create(
            title="講座・研修会",
            draft_title="講座・研修会",
            slug=INDEX_SLUG,
            content_type=content_type,
            path=_next_child_path(Page, home),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{INDEX_SLUG}/",
            locale_id=home.locale_id,
            live=True,
            intro=(
                "<p>各地の市区町村・社会福祉協議会・NPOなどが開く「つながりサポーター養成講座」と研修会の一覧です。"
                "お住まいの地域や開催月で探して、申し込むことができます。</p>"
            ),
        )
        Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)

    group = Group.objects.filter(name=TRAINER_GROUP).first()
    if group is None:
        return
    for codename in PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label="wagtailcore", codename=codename).first()
        if permission is not None:
            GroupPagePermission.objects.get_or_create(group=group, page_id=index.pk, permission=permission)


def remove_index(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    WorkshopIndexPage = apps.get_model("events", "WorkshopIndexPage")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    for index in WorkshopIndexPage.objects.all():
        if Page.objects.filter(path__startswith=index.path, depth__gt=index.depth).exists():
            continue  # never delete workshops
        GroupPagePermission.objects.filter(page_id=index.pk).delete()
        parent = Page.objects.filter(path=index.path[:-STEPLEN]).first()
        index.delete()
        if parent is not None:
            Page.objects.filter(pk=parent.pk).update(numchild=max(0, parent.numchild - 1))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_workshops_registrations_closing"),
        ("home", "0002_create_homepage"),
        ("accounts", "0002_role_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_index, remove_index)]
