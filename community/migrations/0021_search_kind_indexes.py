"""A full-text index per kind of search entry, but the replies.

A search counts and ranks one kind at a time (``community.search``); with
one index over every entry, a word common in replies (a million of them)
made each smaller kind read the replies' part of the index too. Each kind
but the replies gets a partial GIN index of its own (the replies, most of
the entries, use the index over all). Built concurrently: the site keeps
writing meanwhile. PostgreSQL only; SQLite has no such index.
"""

from django.db import migrations

# Every searchable kind (``searchable_register``) but the replies ("posts").
KINDS = [
    "topics",
    "materials",
    "blog",
    "members",
    "masterclasses",
    "courses",
    "communities",
    "contests",
    "projects",
]


class PostgreSQLOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("community", "0020_moderators_embeds"),
    ]

    operations = [
        PostgreSQLOnly(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS community_search_{kind}_gin "
            f"ON community_searchentry USING gin (search_vector) "
            f"WHERE kind = '{kind}'",
            f"DROP INDEX CONCURRENTLY IF EXISTS community_search_{kind}_gin",
        )
        for kind in KINDS
    ] + [
        PostgreSQLOnly("ANALYZE community_searchentry", migrations.RunSQL.noop),
    ]
