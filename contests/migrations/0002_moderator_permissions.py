"""Moderators see and moderate polls, contests (their juries, scores, votes and
diplomas) and network projects in the admin site."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    "view_poll",
    "change_poll",
    "view_polloption",
    "view_contest",
    "change_contest",
    "view_nomination",
    "view_entry",
    "change_entry",
    "view_judge",
    "add_judge",
    "delete_judge",
    "view_score",
    "view_publicvote",
    "view_diploma",
    "view_project",
    "change_project",
    "view_stage",
    "view_team",
    "view_teammember",
    "view_stageresult",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("contests")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="contests", codename__in=PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="contests", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
