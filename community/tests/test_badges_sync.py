"""Rule badges become rows on migrate and nightly, never on a page view."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from community import recognition
from community.badges import badge_rules
from community.models import Badge
from community.receivers import badges_sync_after_migrate

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _rule_keys() -> set[str]:
    return {rule.key for rule in badge_rules()}


def test_migrate_made_the_rule_badges():
    keys = set(Badge.objects.filter(is_manual=False).values_list("key", flat=True))

    assert _rule_keys() <= keys


def test_the_badges_page_writes_nothing_and_migrate_brings_back_a_missing_one():
    key = sorted(_rule_keys())[0]
    Badge.objects.filter(key=key).delete()

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(reverse("badges"))

    assert response.status_code == 200
    assert [q["sql"] for q in queries if WRITE.match(q["sql"])] == []
    assert not Badge.objects.filter(key=key).exists()

    badges_sync_after_migrate(sender=apps.get_app_config("community"))

    assert Badge.objects.filter(key=key).exists()


def test_sync_in_any_language_writes_nothing_the_second_time():
    with translation.override("en"):
        recognition.badges_sync()

    with translation.override("ru"), CaptureQueriesContext(connection) as queries:
        recognition.badges_sync()

    assert [q["sql"] for q in queries if WRITE.match(q["sql"])] == []
