"""An entry keeps the version of its material it was entered with; entries
made before keep their material's current version."""

import django.db.models.deletion
from django.db import migrations, models


def versions_kept(apps, schema_editor):
    Entry = apps.get_model("contests", "Entry")
    entries = Entry.objects.filter(
        material__isnull=False, material_version__isnull=True
    ).select_related("material")
    for entry in entries.iterator():
        if entry.material.current_version_id is not None:
            entry.material_version_id = entry.material.current_version_id
            entry.save(update_fields=["material_version"])


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0002_moderator_permissions"),
        ("materials", "0012_material_coauthors"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="material_version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="materials.materialversion",
                verbose_name="version of the material entered",
            ),
        ),
        migrations.RunPython(versions_kept, migrations.RunPython.noop),
    ]
