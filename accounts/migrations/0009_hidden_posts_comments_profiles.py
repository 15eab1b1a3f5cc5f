"""Moderators hide blog posts, comments and profiles (and show them again)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Hiding is a change: moderators get it (the admin site still lets them only
# read posts and comments; the hide actions go through the services).
PERMISSIONS = ["change_blogpost", "change_blogcomment"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("accounts")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts", codename__in=PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="accounts", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_member_restrictions"),
    ]

    operations = [
        migrations.AddField(
            model_name="blogcomment",
            name="is_hidden",
            field=models.BooleanField(
                default=False, verbose_name="hidden by a moderator"
            ),
        ),
        migrations.AddField(
            model_name="blogpost",
            name="is_hidden",
            field=models.BooleanField(
                default=False, verbose_name="hidden by a moderator"
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="is_hidden",
            field=models.BooleanField(
                default=False, verbose_name="hidden by a moderator"
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
