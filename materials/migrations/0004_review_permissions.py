"""Experts review materials; moderators assign reviewers, decide, read the audit log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Experts": [
        ("materials", "add_review"),
        ("materials", "view_material"),
    ],
    "Moderators": [
        ("materials", "view_reviewround"),
        ("materials", "change_reviewround"),
        ("materials", "view_reviewassignment"),
        ("materials", "add_reviewassignment"),
        ("materials", "view_review"),
        ("community", "view_auditentry"),
    ],
}


def _permissions(apps, app_label, codename):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    )


def grant(apps, schema_editor):
    for label in ("materials", "community"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codes in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in codes:
            group.permissions.add(*_permissions(apps, app_label, codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codes in GRANTS.items():
        for group in Group.objects.filter(name=name):
            for app_label, codename in codes:
                group.permissions.remove(*_permissions(apps, app_label, codename))


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0003_expert_review"),
        ("community", "0005_audit_log"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
