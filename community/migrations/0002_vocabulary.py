"""Fill the shared vocabulary: school subjects and grades."""

from django.db import migrations

from community.vocabulary import GRADES, SUBJECTS


def fill(apps, schema_editor):
    Subject = apps.get_model("community", "Subject")
    Grade = apps.get_model("community", "Grade")
    for position, (slug, name_en, name_ru) in enumerate(SUBJECTS):
        Subject.objects.update_or_create(
            slug=slug,
            defaults={"name_en": name_en, "name_ru": name_ru, "position": position},
        )
    for position, (slug, name_en, name_ru) in enumerate(GRADES):
        Grade.objects.update_or_create(
            slug=slug,
            defaults={"name_en": name_en, "name_ru": name_ru, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
