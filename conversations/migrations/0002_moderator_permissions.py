"""Moderators open and edit consultation lines in the admin site."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["view_line", "add_line", "change_line"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("conversations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="conversations", codename__in=PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="conversations", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
