"""Moderators switch embedding services off and hide one embedded link."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    "view_embedpreview",
    "change_embedpreview",
    "view_embedprovidersetting",
    "change_embedprovidersetting",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("community")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="community", codename__in=PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="community", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0019_embeds_push"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
