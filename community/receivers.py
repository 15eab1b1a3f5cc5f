"""Hooks into code we do not own (Django's migrate); each body is one service."""

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate


def badges_sync_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs):
    """Rule badges become rows on every migrate (so on every deploy), not on a GET."""
    from community import recognition
    from community.models import Badge

    if using != DEFAULT_DB_ALIAS:
        return
    if Badge._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back past the badges
    recognition.badges_sync()


def embeds_sync_after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs):
    """A switch per embedding service on every migrate (so on every deploy)."""
    from community import embeds
    from community.models import EmbedProviderSetting

    if using != DEFAULT_DB_ALIAS:
        return
    table = EmbedProviderSetting._meta.db_table
    if table not in connections[using].introspection.table_names():
        return  # migrated back past the embeds
    embeds.embeds_sync()


def connect(app_config) -> None:
    post_migrate.connect(
        badges_sync_after_migrate, sender=app_config, dispatch_uid="badges_sync"
    )
    post_migrate.connect(
        embeds_sync_after_migrate, sender=app_config, dispatch_uid="embeds_sync"
    )
