from django.db import migrations

from growth.framework_data import framework_load, framework_read

MODELS = ("FrameworkVersion", "Competency", "Target", "Criterion")


def forwards(apps, schema_editor):
    framework_load(
        framework_read(1),
        models={name: apps.get_model("growth", name) for name in MODELS},
    )


def backwards(apps, schema_editor):
    apps.get_model("growth", "FrameworkVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("growth", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
