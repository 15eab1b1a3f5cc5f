"""What follows a write in «Мой путь» is said in ``growth/changes.py``; the
tasks are thin and the attainments' listener enqueues a refresh after commit."""

import pytest

from community.tests.writes import (
    app_modules,
    app_services,
    cache_mechanisms_used,
    unannounced_writes,
)
from growth import tasks
from growth.tests.helpers import (
    make_member,
    make_plan,
    notification_kinds_registered,
)


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def test_every_writing_service_calls_a_change_function():
    # ``framework`` (the admin's copy of a version) is the framework's, not
    # a plan's: no page of a member shows it until a plan is made with it.
    paths = [path for path in app_services("growth") if path.name != "framework.py"]

    assert unannounced_writes(paths, changes={"growth.changes"}, exempt={}) == {}


def test_only_the_change_functions_move_caches_the_index_and_the_feed():
    used = cache_mechanisms_used(app_modules("growth"))

    assert set(used) <= {"growth.changes"}, used


@pytest.mark.django_db
def test_the_listener_enqueues_a_refresh_of_plan_owners_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    refreshed = []
    monkeypatch.setattr(
        "growth.services.evidence.evidence_refresh",
        lambda pk: refreshed.append(pk) or 1,
    )
    owner, stranger = make_plan().owner, make_member()
    refreshed.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.attainments_changed([stranger.pk, owner.pk, owner.pk])
    assert refreshed == []
    assert len(callbacks) == 1

    callbacks[0]()
    assert refreshed == [owner.pk]


@pytest.mark.django_db
def test_the_nightly_refresh_takes_owners_of_active_plans(monkeypatch):
    refreshed = []
    monkeypatch.setattr(
        "growth.services.evidence.evidence_refresh",
        lambda pk: refreshed.append(pk) or 2,
    )
    first, second = make_plan(), make_plan()
    make_member()

    assert tasks.evidence_refresh_all_task() == 4
    assert sorted(refreshed) == sorted([first.owner_id, second.owner_id])


def test_an_empty_change_enqueues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.attainments_changed([])
    assert callbacks == []


# --- Where the notifications lead -------------------------------------------------


@pytest.mark.django_db
def test_an_invitation_leads_to_the_page_where_it_is_answered(client):
    from django.urls import reverse

    from community.models import Notification
    from growth import kinds
    from growth.tests.helpers import make_mentor

    mentorship = make_mentor(make_plan(), accept=False)

    notice = Notification.objects.get(
        recipient=mentorship.mentor, kind=kinds.MENTOR_INVITED
    )
    assert notice.url == reverse("growth:mentoring_answer", args=[mentorship.pk])
    client.force_login(mentorship.mentor)
    page = client.get(notice.url).content.decode()
    assert 'name="accept" value="1"' in page
    assert 'name="accept" value="0"' in page


@pytest.mark.django_db
def test_a_comment_leads_to_the_comments_on_the_mentors_page(client):
    from django.urls import reverse

    from community.models import Notification
    from growth import kinds, services
    from growth.tests.helpers import make_mentor

    plan = make_plan()
    mentor = make_mentor(plan).mentor

    services.comment_add(plan, actor=mentor, body="Хороший план.")
    services.comment_add(plan, actor=plan.owner, body="Спасибо!")

    address = reverse("growth:mentor", args=[plan.pk]) + "#comments"
    for recipient in (plan.owner, mentor):
        notice = Notification.objects.get(recipient=recipient, kind=kinds.COMMENTED)
        assert notice.url == address
    client.force_login(plan.owner)
    assert 'id="comments"' in client.get(address).content.decode()
