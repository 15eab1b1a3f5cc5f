"""What follows a write in master-classes is said in ``masterclasses/changes.py``.

Every public service that writes calls one of its change functions (or is
listed below with the reason it need not), and no other master-classes
module moves a cache, the index or the feed itself. The behaviour tests show
what a visitor would see stale without them: anonymous pages are kept in the
cache (``community.pagecache``) until a change function moves them on.
"""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.tests.writes import (
    app_modules,
    app_services,
    cache_mechanisms_used,
    unannounced_writes,
)
from masterclasses import services
from masterclasses.tests.factories import MasterClassFactory

EXEMPT = {
    "feedback_leave": "an attendee's rating: shown to the hosts only, signed in",
    "trusted_host_set": "who needs no approval: shown to moderators only",
    "calendar_feed_for": "a member's secret calendar address: their own page only",
    "reminders_run": "tells members once: notify moves their unread counts",
}


def test_every_writing_service_calls_a_change_function():
    assert (
        unannounced_writes(
            app_services("masterclasses"),
            changes={"masterclasses.changes"},
            exempt=EXEMPT,
        )
        == {}
    )


def test_only_the_change_functions_move_caches_the_index_and_the_feed():
    used = cache_mechanisms_used(app_modules("masterclasses"))

    assert set(used) == {"masterclasses.changes"}, used


# --- What a visitor sees ------------------------------------------------------


def _seen(client, url: str) -> str:
    """A visitor's page, kept in the cache for the next one."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_visitor_sees_the_new_title_after_an_edit(client):
    masterclass = MasterClassFactory(title="Дроби без страха")
    list_url = reverse("masterclasses:list")
    assert "Дроби без страха" in _seen(client, masterclass.get_absolute_url())
    assert "Дроби без страха" in _seen(client, list_url)
    assert client.get(list_url)["X-Page-Cache"] == "hit"

    services.masterclass_update(
        masterclass=masterclass, editor=masterclass.host, title="Дроби с улыбкой"
    )

    assert "Дроби с улыбкой" in _seen(client, masterclass.get_absolute_url())
    assert "Дроби с улыбкой" in _seen(client, list_url)


@pytest.mark.django_db
def test_a_hidden_master_class_leaves_the_visitors_list(client, moderator):
    masterclass = MasterClassFactory(title="Навязчивая реклама")
    list_url = reverse("masterclasses:list")
    assert "Навязчивая реклама" in _seen(client, list_url)

    services.masterclass_hide(masterclass=masterclass, moderator=moderator, reason="")

    assert "Навязчивая реклама" not in _seen(client, list_url)


@pytest.mark.django_db
def test_a_master_class_hidden_by_reports_leaves_the_visitors_list(client):
    masterclass = MasterClassFactory(title="Навязчивая реклама")
    list_url = reverse("masterclasses:list")
    assert "Навязчивая реклама" in _seen(client, list_url)

    services.masterclass_hide_by_reports(masterclass=masterclass)

    assert "Навязчивая реклама" not in _seen(client, list_url)


@pytest.mark.django_db
def test_the_seats_taken_follow_a_registration_and_its_cancellation(client):
    masterclass = MasterClassFactory(capacity=10)
    member = UserFactory()
    url = masterclass.get_absolute_url()
    assert "0 из 10" in _seen(client, url)

    services.register(masterclass=masterclass, user=member)
    assert "1 из 10" in _seen(client, url)

    services.registration_cancel(masterclass=masterclass, user=member)
    assert "0 из 10" in _seen(client, url)


@pytest.mark.django_db
def test_a_visitor_sees_the_recording_once_it_is_given(client):
    masterclass = MasterClassFactory()
    url = masterclass.get_absolute_url()
    assert "https://video.example.org/rec" not in _seen(client, url)

    services.followup_set(
        masterclass=masterclass,
        host=masterclass.host,
        recording_url="https://video.example.org/rec",
    )

    assert "https://video.example.org/rec" in _seen(client, url)


@pytest.mark.django_db
def test_a_cancelled_master_class_says_so_to_visitors(client):
    masterclass = MasterClassFactory()
    url = masterclass.get_absolute_url()
    assert "Заболел" not in _seen(client, url)

    services.masterclass_cancel(
        masterclass=masterclass, actor=masterclass.host, reason="Заболел"
    )

    assert "Заболел" in _seen(client, url)
