"""Moderators work on the forums: topics, posts and the moderation log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    "view_section",
    "view_topic",
    "change_topic",
    "view_post",
    "change_post",
    "view_moderationlog",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("forums")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="forums", codename__in=PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="forums", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0001_initial"),
        ("accounts", "0004_moderators_blog_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
