"""Moderators approve master-classes and name trusted hosts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    "view_masterclass",
    "change_masterclass",
    "view_registration",
    "view_trustedhost",
    "add_trustedhost",
    "delete_trustedhost",
    "view_certificate",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("masterclasses")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="masterclasses", codename__in=PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="masterclasses", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("masterclasses", "0001_initial"),
        ("materials", "0004_review_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
