"""Communities' pages stay within the page budget (≤ 10 queries) with 55+
communities, members and requests: nothing is read once per row."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from circles.models import Community, Invitation, JoinRequest, Membership
from community.models import Grade, Subject

pytestmark = pytest.mark.django_db

MANY = 55
BUDGET = 10


def old_member():
    return UserFactory(date_joined=timezone.now() - datetime.timedelta(days=60))


@pytest.fixture
def crowd(db):
    return [UserFactory() for _ in range(MANY)]


@pytest.fixture
def owner(db):
    return old_member()


@pytest.fixture
def busy(owner, crowd):
    """A community with 55 members, a few moderators, 55 requests waiting."""
    now = timezone.now()
    community = Community.objects.create(
        name="Учителя математики",
        slug="uchitelia-matematiki",
        purpose="Задачи и уроки.",
        description_html="<p>Добро пожаловать.</p>",
        founder=owner,
        status=Community.Status.OPEN,
        joining=Community.Joining.REQUEST,
        subject=Subject.objects.first(),
        region="tatarstan",
        opened_at=now,
        last_activity_at=now,
        member_count=MANY + 1,
    )
    community.grades.set(Grade.objects.all()[:3])
    community.tags.set(["олимпиады", "ОГЭ"])
    Membership.objects.create(
        community=community, user=owner, role=Membership.Role.OWNER
    )
    Membership.objects.bulk_create(
        Membership(
            community=community,
            user=user,
            role=Membership.Role.MODERATOR if index < 3 else Membership.Role.MEMBER,
        )
        for index, user in enumerate(crowd)
    )
    JoinRequest.objects.bulk_create(
        JoinRequest(community=community, user=UserFactory(), message="Возьмите меня")
        for _ in range(MANY)
    )
    return community


@pytest.fixture
def many_communities(owner, crowd):
    now = timezone.now()
    subjects = list(Subject.objects.all()[:5])
    communities = Community.objects.bulk_create(
        Community(
            name=f"Сообщество {number}",
            slug=f"soobshchestvo-{number}",
            purpose="Делимся опытом. " * 20,
            founder=owner,
            status=Community.Status.OPEN,
            visibility=Community.Visibility.PUBLIC
            if number % 2
            else Community.Visibility.MEMBERS,
            subject=subjects[number % len(subjects)] if subjects else None,
            region="tatarstan",
            opened_at=now - datetime.timedelta(minutes=number),
            last_activity_at=now - datetime.timedelta(minutes=number),
            member_count=2,
        )
        for number in range(MANY)
    )
    Membership.objects.bulk_create(
        Membership(community=community, user=owner, role=Membership.Role.OWNER)
        for community in communities
    )
    Membership.objects.bulk_create(
        Membership(community=community, user=crowd[0]) for community in communities
    )
    return communities


@pytest.mark.parametrize("tab", ["all", "new", "active"])
def test_list_for_a_visitor_within_budget(
    client, many_communities, tab, django_assert_max_num_queries, settings
):
    settings.CIRCLES_PER_PAGE = MANY
    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("circles:list"), {"tab": tab})
    assert response.status_code == 200
    assert len(response.context["page_obj"]) >= MANY // 2


@pytest.mark.parametrize("tab", ["all", "mine", "new", "subjects", "region", "active"])
def test_list_for_a_member_within_budget(
    client, crowd, many_communities, tab, django_assert_max_num_queries, settings
):
    settings.CIRCLES_PER_PAGE = MANY
    client.force_login(crowd[0])
    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("circles:list"), {"tab": tab})
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["visitor", "outsider", "member", "owner"])
def test_community_page_within_budget(
    client, busy, owner, crowd, who, django_assert_max_num_queries
):
    viewer = {"visitor": None, "outsider": UserFactory(), "member": crowd[10]}.get(
        who, owner
    )
    if viewer is not None:
        client.force_login(viewer)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(busy.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["members_preview"]) > 1


def test_proposal_page_within_budget(
    client, owner, crowd, django_assert_max_num_queries
):
    community = Community.objects.create(
        name="Проект",
        slug="proekt",
        purpose="Пока проект.",
        founder=owner,
        member_count=1,
    )
    Membership.objects.create(
        community=community, user=owner, role=Membership.Role.OWNER
    )
    Invitation.objects.bulk_create(
        Invitation(
            community=community,
            invited_by=owner,
            user=user,
            purpose=Invitation.Purpose.COFOUNDER,
        )
        for user in crowd
    )
    client.force_login(owner)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(community.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["cofounders"]) == MANY


@pytest.mark.parametrize("who", ["visitor", "member", "owner"])
def test_members_page_within_budget(
    client, busy, owner, crowd, who, django_assert_max_num_queries, settings
):
    settings.CIRCLES_MEMBERS_PER_PAGE = MANY
    viewer = {"visitor": None, "member": crowd[10]}.get(who, owner)
    if viewer is not None:
        client.force_login(viewer)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("circles:members", args=[busy.slug]))
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == MANY
    if who == "owner":
        assert response.context["request_count"] == MANY


def test_invitations_page_within_budget(
    client, owner, crowd, django_assert_max_num_queries, settings
):
    settings.CIRCLES_PER_PAGE = MANY
    guest = crowd[0]
    communities = Community.objects.bulk_create(
        Community(
            name=f"Закрытое {number}",
            slug=f"zakrytoe-{number}",
            purpose="Тихо.",
            founder=owner,
            status=Community.Status.OPEN,
            visibility=Community.Visibility.PRIVATE,
            joining=Community.Joining.INVITATION,
        )
        for number in range(MANY)
    )
    Invitation.objects.bulk_create(
        Invitation(community=community, invited_by=owner, user=guest)
        for community in communities
    )
    client.force_login(guest)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("circles:invitations"))
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == MANY
