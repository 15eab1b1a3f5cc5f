"""A section's moderators resolve reports there, and only there."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community import reporting
from community.models import Notification, Report
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section_moderator():
    return UserFactory()


@pytest.fixture
def own(section_moderator):
    section = SectionFactory()
    section.moderators.add(section_moderator)
    return section


def _report(post, reporter=None):
    return reporting.report_create(
        reporter=reporter or UserFactory(),
        key="forum_post",
        object_id=post.pk,
        reason="rudeness",
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_section_moderator_sees_and_resolves_reports_in_own_section(
    own, section_moderator
):
    post = PostFactory(topic=TopicFactory(section=own), body="Грубость")
    elsewhere = PostFactory(body="Чужой раздел")
    report = _report(post)
    _report(elsewhere)
    client = _client(section_moderator)
    url = reverse("forums:section_reports", args=[own.slug])

    page = client.get(url).content.decode()
    assert post.topic.title in page
    assert elsewhere.topic.title not in page
    assert url in client.get(own.get_absolute_url()).content.decode()

    response = client.post(
        reverse("report_resolve", args=[report.pk]),
        {"decision": "hide", "note": "Оскорбление", "next": url},
    )

    assert response.url == url
    post.refresh_from_db()
    report.refresh_from_db()
    assert post.is_hidden
    assert (report.status, report.resolved_by) == ("actioned", section_moderator)
    assert Notification.objects.filter(
        recipient=report.reporter, kind=reporting.REPORT_ACTIONED
    ).exists()


def test_but_not_in_another_section(own, section_moderator):
    other = SectionFactory()
    report = _report(PostFactory(topic=TopicFactory(section=other)))
    client = _client(section_moderator)

    assert (
        client.get(reverse("forums:section_reports", args=[other.slug])).status_code
        == 404
    )
    response = client.post(
        reverse("report_resolve", args=[report.pk]), {"decision": "hide"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        reporting.report_resolve(report=report, moderator=section_moderator, hide=True)
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN


def test_members_get_404_and_a_bad_decision_is_400(own, section_moderator, member):
    report = _report(PostFactory(topic=TopicFactory(section=own)))
    member_client = _client(member)

    assert (
        member_client.get(
            reverse("forums:section_reports", args=[own.slug])
        ).status_code
        == 404
    )
    assert (
        member_client.post(
            reverse("report_resolve", args=[report.pk]), {"decision": "hide"}
        ).status_code
        == 404
    )
    assert (
        _client(section_moderator)
        .post(reverse("report_resolve", args=[report.pk]), {"decision": "delete"})
        .status_code
        == 400
    )


def test_the_reports_page_keeps_its_queries_with_many_reports(
    own, section_moderator, django_assert_max_num_queries
):
    topic = TopicFactory(section=own)
    for _index in range(55):
        _report(PostFactory(topic=topic))
    client = _client(section_moderator)
    url = reverse("forums:section_reports", args=[own.slug])

    with django_assert_max_num_queries(12):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('name="decision" value="hide"') == 20
