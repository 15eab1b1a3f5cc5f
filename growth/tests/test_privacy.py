"""A private plan is the member's and her mentor's: its pages are in no
sitemap, site search, RSS or Atom feed or activity feed, and the staff's
lists name nothing of it by its title."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from community.models import ActivityEvent, AuditEntry, Notification, SearchEntry
from growth import services
from growth.models import Plan
from growth.tests.helpers import (
    make_evidence,
    make_item,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary")]

# A word nobody else writes: what search would find if a plan were indexed.
WORD = "Жужелицеведение"
PLAN_PATH = re.compile(r"/my-path/\d+")


@pytest.fixture
def private_plan(django_capture_on_commit_callbacks):
    """A private plan with everything in it: items, a mentor, comments both
    ways, her own evidence confirmed, evidence gathered; its owner followed
    by a colleague."""
    owner = make_member()
    with django_capture_on_commit_callbacks(execute=True):
        plan = make_plan(owner, note=f"{WORD}: заметки о плане")
        for index in range(3):
            make_item(plan, title=f"{WORD} шаг {index}", url="https://example.org/")
        mentorship = make_mentor(plan)
        services.comment_add(plan, actor=owner, body=f"{WORD}: вопрос наставнику")
        services.comment_add(
            plan, actor=mentorship.mentor, body=f"{WORD}: ответ наставника"
        )
        evidence = make_own_evidence(owner, title=f"{WORD}: открытый урок")
        services.own_evidence_confirm(evidence, actor=mentorship.mentor, plan=plan)
        make_evidence(owner, count=2)
    Follow.objects.create(follower=make_member(), followee=owner)
    assert plan.visibility == Plan.Visibility.PRIVATE
    return plan


def _growth_types() -> list[int]:
    return list(
        ContentType.objects.filter(app_label="growth").values_list("pk", flat=True)
    )


def test_a_private_plan_is_in_no_sitemap(client, private_plan):
    index = client.get(reverse("sitemap_index")).content.decode()
    sections = re.findall(r"<loc>[^<]*?(/sitemap-[^<]+\.xml)</loc>", index)

    assert sections
    assert not PLAN_PATH.search(index)
    for section in sections:
        response = client.get(section)
        assert response.status_code == 200, section
        assert not PLAN_PATH.search(response.content.decode()), section


def test_a_private_plan_is_in_no_search(client, private_plan):
    mentor = private_plan.mentorships.get().mentor

    assert not SearchEntry.objects.filter(target_type_id__in=_growth_types()).exists()
    assert not SearchEntry.objects.filter(title__icontains=WORD[1:]).exists()
    for viewer in (None, private_plan.owner, mentor):
        if viewer is not None:
            client.force_login(viewer)
        page = client.get(reverse("search"), {"q": WORD})
        assert page.status_code == 200
        text = page.content.decode()
        assert not PLAN_PATH.search(text)
        assert f"{WORD} шаг" not in text


@pytest.mark.parametrize(
    "feed",
    [
        "materials:feed_rss",
        "materials:feed_atom",
        "masterclasses:feed_rss",
        "masterclasses:feed_atom",
        "courses:feed",
        "courses:feed_atom",
    ],
)
def test_a_private_plan_is_in_no_feed(client, private_plan, feed):
    response = client.get(reverse(feed))

    assert response.status_code == 200
    text = response.content.decode()
    assert not PLAN_PATH.search(text)
    assert WORD not in text


def test_a_private_plan_is_in_no_tag_feed(client, private_plan):
    for name in ("tag_feed_rss", "tag_feed_atom"):
        response = client.get(reverse(name, args=["урок"]))
        assert response.status_code in (200, 404)
        assert not PLAN_PATH.search(response.content.decode())


def test_a_private_plan_is_in_no_activity_feed(client, private_plan):
    follower = Follow.objects.get(followee=private_plan.owner).follower

    assert not ActivityEvent.objects.filter(target_type_id__in=_growth_types()).exists()
    assert not ActivityEvent.objects.filter(actor=private_plan.owner).exists()
    client.force_login(follower)
    home = client.get(reverse("home")).content.decode()
    assert not PLAN_PATH.search(home)
    assert WORD not in home


def test_a_private_plan_is_not_shown_on_the_owners_public_pages(client, private_plan):
    owner = private_plan.owner
    client.force_login(UserFactory())

    for name in ("accounts:profile", "accounts:portfolio"):
        page = client.get(reverse(name, args=[owner.username]))
        assert page.status_code == 200
        assert not PLAN_PATH.search(page.content.decode()), name


def test_the_staffs_lists_name_nothing_of_a_plan(client, private_plan):
    target = private_plan.target
    # Notifications about the plan exist: the mentor's invitation, the
    # comments, the confirmation.
    about = Notification.objects.filter(target_type_id__in=_growth_types())
    assert about.exists()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = reverse("admin:community_notification_changelist")

    page = client.get(listing).content.decode()
    found = client.get(listing, {"q": target.title})
    one = client.get(
        reverse("admin:community_notification_change", args=[about.first().pk])
    ).content.decode()

    assert target.title not in page
    assert "(личное)" in page
    assert found.context["cl"].result_count == 0  # not found by its title
    assert target.title not in one
    assert WORD not in page + one
    # Nothing of a plan is put on record for the staff, either.
    assert not AuditEntry.objects.filter(target_type_id__in=_growth_types()).exists()
    assert str(private_plan) not in page
