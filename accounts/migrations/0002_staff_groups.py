"""Create the staff groups Moderators and Experts with what they may do in admin.

Later apps add their own permissions to these groups in their migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    ("accounts", "view_user"),
    ("accounts", "change_user"),
    ("accounts", "view_profile"),
    ("accounts", "change_profile"),
    ("account", "view_emailaddress"),
    ("taggit", "view_tag"),
    ("taggit", "change_tag"),
    ("taggit", "delete_tag"),
    ("taggit", "view_taggeditem"),
    ("community", "view_subject"),
    ("community", "view_grade"),
]
EXPERT_PERMISSIONS = [
    ("accounts", "view_profile"),
    ("community", "view_subject"),
    ("community", "view_grade"),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure the
    # ones named here exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (
        ("Moderators", MODERATOR_PERMISSIONS),
        ("Experts", EXPERT_PERMISSIONS),
    ):
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Moderators", "Experts"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
        ("community", "0002_vocabulary"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
