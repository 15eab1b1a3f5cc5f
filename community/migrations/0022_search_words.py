"""The words the search index holds (``SearchWord``), gathered once from the
entries written before it; from now on ``search_index_many`` adds them.
PostgreSQL only: on SQLite the table stays empty (its search has no
vectors)."""

from django.db import migrations, models


def words_gather(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "INSERT INTO community_searchword (word) "
        "SELECT word FROM ts_stat('SELECT search_vector FROM community_searchentry') "
        "WHERE length(word) <= 100 ORDER BY word ON CONFLICT DO NOTHING"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0021_search_kind_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "word",
                    models.CharField(max_length=100, primary_key=True, serialize=False),
                ),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
                "indexes": [
                    models.Index(
                        fields=["word"],
                        name="community_searchword_prefix",
                        opclasses=["varchar_pattern_ops"],
                    )
                ],
            },
        ),
        migrations.RunPython(words_gather, migrations.RunPython.noop),
    ]
