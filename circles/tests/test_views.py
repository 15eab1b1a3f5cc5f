"""Communities' pages: who sees what, the forms and the flows through the views.

The rows a test starts from are made with the ORM (the services have their
own tests); every step a test takes goes through a page.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from circles.models import (
    Community,
    CommunityBan,
    Invitation,
    JoinRequest,
    Membership,
    OwnershipOffer,
)

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def old_member(**kwargs):
    """A member past the new-member period: may propose a community."""
    return UserFactory(
        date_joined=timezone.now() - datetime.timedelta(days=60), **kwargs
    )


def make_community(
    owner,
    *,
    members=(),
    moderators=(),
    status=Community.Status.OPEN,
    visibility=Community.Visibility.PUBLIC,
    joining=Community.Joining.OPEN,
    hidden=False,
    name="",
) -> Community:
    number = next(_numbers)
    now = timezone.now()
    community = Community.objects.create(
        name=name or f"Учителя математики {number}",
        slug=f"circle-{number}",
        purpose="Делимся задачами и уроками.",
        description="Подробнее **здесь**.",
        description_html="<p>Подробнее <strong>здесь</strong>.</p>",
        founder=owner,
        status=status,
        visibility=visibility,
        joining=joining,
        is_hidden=hidden,
        opened_at=None if status == Community.Status.PROPOSED else now,
        last_activity_at=now,
        member_count=1 + len(members) + len(moderators),
    )
    Membership.objects.create(
        community=community, user=owner, role=Membership.Role.OWNER
    )
    for user in moderators:
        Membership.objects.create(
            community=community, user=user, role=Membership.Role.MODERATOR
        )
    for user in members:
        Membership.objects.create(community=community, user=user)
    return community


def url(name: str, community: Community, *args) -> str:
    return reverse(f"circles:{name}", args=[community.slug, *args])


def writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in query["sql"]
    ]


@pytest.fixture
def owner(db):
    return old_member()


@pytest.fixture
def site_moderator(db):
    return UserFactory(is_staff=True, is_superuser=True)


# --- The list -------------------------------------------------------------------


def test_list_shows_visitors_three_tabs_and_public_communities(client, owner):
    shown = make_community(owner, name="Физики Казани")
    hidden_ones = [
        make_community(
            owner,
            visibility=Community.Visibility.PRIVATE,
            joining=Community.Joining.INVITATION,
            name="Тайный клуб",
        ),
        make_community(owner, status=Community.Status.PROPOSED, name="Пока проект"),
        make_community(owner, hidden=True, name="Скрытое модератором"),
    ]
    response = client.get(reverse("circles:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert shown.name in page
    for community in hidden_ones:
        assert community.name not in page
    assert [key for key, _label in response.context["tabs"]] == ["all", "new", "active"]
    assert reverse("circles:propose") not in page


def test_list_a_visitor_asking_for_her_own_tab_sees_all(client, owner):
    make_community(owner)
    response = client.get(reverse("circles:list"), {"tab": "mine"})
    assert response.status_code == 200
    assert response.context["tab"] == "all"


def test_list_mine_tab_shows_the_members_communities(client, owner):
    member = UserFactory()
    mine = make_community(owner, members=[member], name="Моё сообщество")
    other = make_community(owner, name="Чужое сообщество")
    client.force_login(member)
    response = client.get(reverse("circles:list"), {"tab": "mine"})
    page = response.content.decode()
    assert mine.name in page
    assert other.name not in page
    assert len(response.context["tabs"]) == 6


def test_list_offers_proposing_to_a_member_who_may(client, owner):
    client.force_login(owner)
    page = client.get(reverse("circles:list")).content.decode()
    assert reverse("circles:propose") in page


def test_list_links_the_members_pending_invitations(client, owner):
    guest = UserFactory()
    community = make_community(
        owner,
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    Invitation.objects.create(community=community, invited_by=owner, user=guest)
    client.force_login(guest)
    response = client.get(reverse("circles:list"))
    assert response.context["invitation_count"] == 1
    assert reverse("circles:invitations") in response.content.decode()


# --- Who sees a community's page ------------------------------------------------


def test_detail_public_community_is_open_to_visitors(client, owner):
    community = make_community(owner)
    response = client.get(community.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert community.name in page
    assert "<strong>здесь</strong>" in page
    assert reverse("account_login") in page  # log in to join


def test_detail_members_only_community_is_404_for_visitors(client, owner):
    community = make_community(owner, visibility=Community.Visibility.MEMBERS)
    assert client.get(community.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(community.get_absolute_url()).status_code == 200


def test_detail_private_community_is_seen_by_members_and_invited_only(client, owner):
    member, guest, outsider = UserFactory(), UserFactory(), UserFactory()
    community = make_community(
        owner,
        members=[member],
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    Invitation.objects.create(community=community, invited_by=owner, user=guest)
    address = community.get_absolute_url()
    assert client.get(address).status_code == 404
    client.force_login(outsider)
    assert client.get(address).status_code == 404
    assert client.get(url("members", community)).status_code == 404
    client.force_login(member)
    assert client.get(address).status_code == 200
    client.force_login(guest)
    response = client.get(address)
    assert response.status_code == 200
    assert response.context["invitation"] is not None  # accept from the page


def test_detail_proposal_is_seen_by_its_founders_with_the_quorum(client, owner):
    invited, outsider = UserFactory(), UserFactory()
    community = make_community(owner, status=Community.Status.PROPOSED)
    Invitation.objects.create(
        community=community,
        invited_by=owner,
        user=invited,
        purpose=Invitation.Purpose.COFOUNDER,
    )
    address = community.get_absolute_url()
    client.force_login(outsider)
    assert client.get(address).status_code == 404
    client.force_login(invited)
    assert client.get(address).status_code == 200
    client.force_login(owner)
    response = client.get(address)
    assert response.status_code == 200
    assert response.context["still_needed"] == 2
    assert [item.user for item in response.context["cofounders"]] == [invited]
    assert invited.profile.shown_name in response.content.decode()


def test_detail_hidden_community_is_seen_by_members_and_moderators(
    client, owner, site_moderator
):
    member = UserFactory()
    community = make_community(owner, members=[member], hidden=True)
    address = community.get_absolute_url()
    assert client.get(address).status_code == 404
    client.force_login(UserFactory())
    assert client.get(address).status_code == 404
    client.force_login(member)
    assert client.get(address).status_code == 200
    client.force_login(site_moderator)
    assert client.get(address).status_code == 200


def test_detail_unknown_community_is_404(client):
    response = client.get(reverse("circles:detail", args=["no-such-community"]))
    assert response.status_code == 404


def test_detail_shows_the_owner_edit_and_managers_the_pending_count(client, owner):
    community = make_community(owner, joining=Community.Joining.REQUEST)
    JoinRequest.objects.create(community=community, user=UserFactory())
    client.force_login(owner)
    response = client.get(community.get_absolute_url())
    page = response.content.decode()
    assert url("edit", community) in page
    assert response.context["pending_count"] == 1
    member = UserFactory()
    Membership.objects.create(community=community, user=member)
    client.force_login(member)
    page = client.get(community.get_absolute_url()).content.decode()
    assert url("edit", community) not in page
    assert url("leave", community) in page


# --- Proposing ------------------------------------------------------------------


def propose_data(**changes) -> dict:
    data = {
        "name": "Учителя информатики Казани",
        "purpose": "Обмениваемся задачами для олимпиад.",
        "description": "Встречаемся **раз в месяц**.",
        "region": "tatarstan",
        "tags": "олимпиады, информатика",
        "visibility": Community.Visibility.PUBLIC,
        "joining": Community.Joining.OPEN,
        "cofounders": "",
    }
    data.update(changes)
    return data


def test_propose_needs_a_login(client):
    response = client.get(reverse("circles:propose"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_propose_is_refused_to_a_new_member(client):
    client.force_login(UserFactory())
    response = client.get(reverse("circles:propose"))
    assert response.status_code == 403
    assert "form" not in response.context or not response.context["may_propose"]


def test_propose_unknown_colleague_keeps_the_text_with_400(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("circles:propose"),
        propose_data(cofounders="nobody-here, @also-nobody"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Обмениваемся задачами для олимпиад." in page
    assert "Встречаемся **раз в месяц**." in page
    assert "nobody-here" in response.context["form"].errors["cofounders"][0]
    assert not Community.objects.exists()


def test_propose_too_few_cofounders_is_told_at_the_field(client, owner, settings):
    settings.CIRCLES_QUORUM = 3
    colleague = UserFactory()
    client.force_login(owner)
    response = client.post(
        reverse("circles:propose"), propose_data(cofounders=colleague.username)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["cofounders"]
    assert "Учителя информатики Казани" in response.content.decode()
    assert not Community.objects.exists()


def test_propose_errors_are_in_russian(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("circles:propose"),
        propose_data(name="", cofounders="nobody-here"),
        headers={"Accept-Language": "ru"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Обязательное поле." in errors["name"]
    assert errors["cofounders"][0].startswith("Таких коллег нет")


def test_propose_creates_the_proposal_and_invites_cofounders(client, owner):
    first, second = UserFactory(), UserFactory()
    client.force_login(owner)
    response = client.post(
        reverse("circles:propose"),
        propose_data(
            cofounders=f"{first.username}, @{second.username}",
            visibility=Community.Visibility.PRIVATE,
        ),
    )
    community = Community.objects.get()
    assert response.status_code == 302
    assert response["Location"] == community.get_absolute_url()
    assert community.status == Community.Status.PROPOSED
    # Private: joined by invitation, whatever the radio said.
    assert community.joining == Community.Joining.INVITATION
    assert Membership.objects.get(community=community).user == owner
    assert set(
        Invitation.objects.filter(community=community).values_list("user", flat=True)
    ) == {first.pk, second.pk}


def test_propose_get_is_not_a_write(client, owner):
    client.force_login(owner)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("circles:propose")).status_code == 200
    assert writes(queries) == []


# --- Co-founders answer, the community opens -------------------------------------


def test_cofounders_accept_through_the_invitation_page(client, owner, settings):
    settings.CIRCLES_QUORUM = 3
    first, second = UserFactory(), UserFactory()
    community = make_community(owner, status=Community.Status.PROPOSED)
    invitations = [
        Invitation.objects.create(
            community=community,
            invited_by=owner,
            user=user,
            purpose=Invitation.Purpose.COFOUNDER,
        )
        for user in (first, second)
    ]
    for user, invitation in zip((first, second), invitations, strict=True):
        client.force_login(user)
        address = reverse("circles:invitation", args=[invitation.token])
        assert client.get(address).status_code == 200
        response = client.post(address, {"accept": "1"})
        assert response.status_code == 302
    community.refresh_from_db()
    assert community.status == Community.Status.OPEN
    assert Membership.objects.get(community=community, user=first).role == (
        Membership.Role.MODERATOR
    )


# --- Joining, requests, leaving --------------------------------------------------


def test_join_open_community(client, owner):
    community = make_community(owner)
    member = UserFactory()
    client.force_login(member)
    assert client.get(url("join", community)).status_code == 405
    response = client.post(url("join", community))
    assert response.status_code == 302
    assert Membership.objects.filter(community=community, user=member).exists()
    community.refresh_from_db()
    assert community.member_count == 2
    # A second click answers as the first did.
    assert client.post(url("join", community)).status_code == 302
    assert Membership.objects.filter(community=community, user=member).count() == 1


def test_join_needs_a_login(client, owner):
    community = make_community(owner)
    response = client.post(url("join", community))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Membership.objects.filter(community=community).exclude(user=owner)


def test_join_refused_to_a_banned_member_with_400(client, owner):
    community = make_community(owner)
    banned = UserFactory()
    CommunityBan.objects.create(community=community, user=banned, banned_by=owner)
    client.force_login(banned)
    response = client.post(url("join", community))
    assert response.status_code == 400
    assert not Membership.objects.filter(community=community, user=banned).exists()


def test_request_then_approve_through_the_members_page(client, owner):
    community = make_community(owner, joining=Community.Joining.REQUEST)
    applicant = UserFactory()
    client.force_login(applicant)
    response = client.post(url("request", community), {"message": "Я учитель физики"})
    assert response.status_code == 302
    pending = JoinRequest.objects.get(community=community, user=applicant)
    assert pending.message == "Я учитель физики"
    page = client.get(community.get_absolute_url())
    assert page.context["standing"].requested
    assert url("request", community) in page.content.decode()  # withdraw

    client.force_login(owner)
    members_page = client.get(url("members", community))
    assert members_page.status_code == 200
    assert "Я учитель физики" in members_page.content.decode()
    response = client.post(url("decide", community, pending.pk), {"approve": "1"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.APPROVED
    assert Membership.objects.filter(community=community, user=applicant).exists()


def test_request_reject_with_a_reason(client, owner):
    community = make_community(owner, joining=Community.Joining.REQUEST)
    pending = JoinRequest.objects.create(community=community, user=UserFactory())
    client.force_login(owner)
    response = client.post(
        url("decide", community, pending.pk),
        {"approve": "0", "reason": "Только для учителей Казани"},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.REJECTED
    assert pending.reason == "Только для учителей Казани"


def test_request_decide_refused_to_a_plain_member(client, owner):
    member = UserFactory()
    community = make_community(
        owner, members=[member], joining=Community.Joining.REQUEST
    )
    pending = JoinRequest.objects.create(community=community, user=UserFactory())
    client.force_login(member)
    response = client.post(url("decide", community, pending.pk), {"approve": "1"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.PENDING


def test_request_withdraw(client, owner):
    community = make_community(owner, joining=Community.Joining.REQUEST)
    applicant = UserFactory()
    pending = JoinRequest.objects.create(community=community, user=applicant)
    client.force_login(applicant)
    response = client.post(url("request", community), {"withdraw": "1"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.WITHDRAWN


def test_request_too_long_message_keeps_it_with_400(client, owner):
    community = make_community(owner, joining=Community.Joining.REQUEST)
    client.force_login(UserFactory())
    response = client.post(url("request", community), {"message": "я" * 1001})
    assert response.status_code == 400
    assert response.context["request_form"].errors["message"]
    assert not JoinRequest.objects.exists()


def test_leave_and_the_owner_must_hand_over_first(client, owner):
    member = UserFactory()
    community = make_community(owner, members=[member])
    client.force_login(member)
    assert client.post(url("leave", community)).status_code == 302
    assert not Membership.objects.filter(community=community, user=member).exists()
    client.force_login(owner)
    response = client.post(url("leave", community))
    assert response.status_code == 400
    assert Membership.objects.filter(community=community, user=owner).exists()


def test_leaving_a_private_community_loses_the_page_at_once(client, owner):
    member = UserFactory()
    community = make_community(
        owner,
        members=[member],
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    client.force_login(member)
    response = client.post(url("leave", community))
    assert response["Location"] == reverse("circles:list")
    assert client.get(community.get_absolute_url()).status_code == 404


def test_hearing_is_saved(client, owner):
    member = UserFactory()
    community = make_community(owner, members=[member])
    client.force_login(member)
    response = client.post(url("hearing", community), {"hearing": "digest"})
    assert response.status_code == 302
    assert Membership.objects.get(community=community, user=member).hearing == (
        Membership.Hearing.DIGEST
    )
    response = client.post(url("hearing", community), {"hearing": "loud"})
    assert response.status_code == 400


# --- Invitations -----------------------------------------------------------------


def test_invite_a_member_who_accepts_from_her_invitations(client, owner):
    community = make_community(
        owner,
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    guest = UserFactory()
    client.force_login(owner)
    response = client.post(url("invite", community), {"who": f"@{guest.username}"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(community=community, user=guest)

    client.force_login(guest)
    listing = client.get(reverse("circles:invitations"))
    assert community.name in listing.content.decode()
    response = client.post(
        reverse("circles:invitation", args=[invitation.token]), {"accept": "1"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(community=community, user=guest).exists()


def test_invite_unknown_username_is_a_form_error_400(client, owner):
    community = make_community(owner)
    client.force_login(owner)
    response = client.post(url("invite", community), {"who": "nobody-here"})
    assert response.status_code == 400
    assert response.context["invite_form"].errors["who"]
    assert not Invitation.objects.exists()


def test_invite_refused_to_a_plain_member_of_a_request_community(client, owner):
    member = UserFactory()
    community = make_community(
        owner, members=[member], joining=Community.Joining.REQUEST
    )
    client.force_login(member)
    response = client.post(url("invite", community), {"who": UserFactory().username})
    assert response.status_code == 403


def test_invitation_decline(client, owner):
    community = make_community(owner)
    guest = UserFactory()
    invitation = Invitation.objects.create(
        community=community, invited_by=owner, user=guest
    )
    client.force_login(guest)
    response = client.post(
        reverse("circles:invitation", args=[invitation.token]), {"accept": "0"}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert not Membership.objects.filter(community=community, user=guest).exists()


def test_invitation_unknown_token_is_404(client):
    response = client.get(reverse("circles:invitation", args=["no-such-token"]))
    assert response.status_code == 404


def test_invitation_of_another_member_is_404(client, owner):
    community = make_community(owner)
    invitation = Invitation.objects.create(
        community=community, invited_by=owner, user=UserFactory()
    )
    client.force_login(UserFactory())
    address = reverse("circles:invitation", args=[invitation.token])
    assert client.get(address).status_code == 404
    assert client.post(address, {"accept": "1"}).status_code == 404


def test_invitation_by_email_sends_a_visitor_to_sign_up_and_back(client, owner):
    community = make_community(owner)
    invitation = Invitation.objects.create(
        community=community, invited_by=owner, email="new.teacher@school.example"
    )
    address = reverse("circles:invitation", args=[invitation.token])
    response = client.get(address)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{reverse('account_signup')}?next={address}" in page
    assert f"{reverse('account_login')}?next={address}" in page


def test_invitation_to_a_member_sends_a_visitor_to_log_in(client, owner):
    community = make_community(owner)
    invitation = Invitation.objects.create(
        community=community, invited_by=owner, user=UserFactory()
    )
    address = reverse("circles:invitation", args=[invitation.token])
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_invitation_by_email_is_accepted_by_the_signed_in_member(client, owner):
    community = make_community(owner)
    newcomer = UserFactory()
    invitation = Invitation.objects.create(
        community=community, invited_by=owner, email=newcomer.email
    )
    client.force_login(newcomer)
    response = client.post(
        reverse("circles:invitation", args=[invitation.token]), {"accept": "1"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(community=community, user=newcomer).exists()


# --- Managing members, roles, ownership -----------------------------------------


def test_members_page_lists_owner_and_moderators_first(client, owner):
    moderator, member = UserFactory(), UserFactory()
    community = make_community(owner, members=[member], moderators=[moderator])
    response = client.get(url("members", community))
    assert response.status_code == 200
    roles = [item.role for item in response.context["page_obj"]]
    assert roles == ["owner", "moderator", "member"]
    assert response.context["may_manage"] is False
    assert url("invite", community) not in response.content.decode()


def test_owner_makes_a_moderator_and_a_moderator_removes_and_bans(client, owner):
    helper, troll = UserFactory(), UserFactory()
    community = make_community(owner, members=[helper, troll])
    client.force_login(owner)
    response = client.post(url("manage", community, helper.pk), {"action": "moderator"})
    assert response.status_code == 302
    assert Membership.objects.get(community=community, user=helper).role == (
        Membership.Role.MODERATOR
    )
    client.force_login(helper)
    response = client.post(
        url("manage", community, troll.pk), {"action": "ban", "reason": "спам"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(community=community, user=troll).exists()
    assert CommunityBan.objects.filter(community=community, user=troll).exists()


def test_manage_refused_to_a_plain_member(client, owner):
    member, other = UserFactory(), UserFactory()
    community = make_community(owner, members=[member, other])
    client.force_login(member)
    response = client.post(url("manage", community, other.pk), {"action": "remove"})
    assert response.status_code == 403
    assert Membership.objects.filter(community=community, user=other).exists()


def test_manage_unknown_action_is_404(client, owner):
    member = UserFactory()
    community = make_community(owner, members=[member])
    client.force_login(owner)
    response = client.post(url("manage", community, member.pk), {"action": "x"})
    assert response.status_code == 404


def test_ownership_offer_and_accept(client, owner):
    heir = UserFactory()
    community = make_community(owner, members=[heir])
    client.force_login(owner)
    response = client.post(url("manage", community, heir.pk), {"action": "offer"})
    assert response.status_code == 302
    offer = OwnershipOffer.objects.get(community=community)
    assert offer.to_user == heir

    assert client.get(url("ownership", community)).status_code == 404  # not hers
    client.force_login(heir)
    assert client.get(url("ownership", community)).status_code == 200
    response = client.post(url("ownership", community), {"accept": "1"})
    assert response.status_code == 302
    roles = dict(
        Membership.objects.filter(community=community).values_list("user", "role")
    )
    assert roles == {heir.pk: "owner", owner.pk: "moderator"}


def test_edit_for_the_owner_only(client, owner):
    member = UserFactory()
    community = make_community(owner, members=[member])
    client.force_login(member)
    assert client.get(url("edit", community)).status_code == 403
    client.force_login(owner)
    assert client.get(url("edit", community)).status_code == 200
    response = client.post(
        url("edit", community),
        propose_data(name="Новое имя", purpose="Новая цель."),
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.name == "Новое имя"
    assert community.slug.startswith("circle-")  # the address stays


def test_edit_empty_purpose_keeps_the_text_with_400(client, owner):
    community = make_community(owner)
    client.force_login(owner)
    response = client.post(
        url("edit", community), propose_data(name="Новое имя", purpose="")
    )
    assert response.status_code == 400
    assert "Новое имя" in response.content.decode()
    community.refresh_from_db()
    assert community.name != "Новое имя"


def test_edit_of_a_private_community_is_404_for_outsiders(client, owner):
    community = make_community(
        owner,
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    client.force_login(UserFactory())
    assert client.get(url("edit", community)).status_code == 404


# --- No page writes on GET -------------------------------------------------------


def test_pages_write_nothing_on_get(client, owner):
    member, guest = UserFactory(), UserFactory()
    community = make_community(
        owner, members=[member], joining=Community.Joining.REQUEST
    )
    JoinRequest.objects.create(community=community, user=UserFactory())
    invitation = Invitation.objects.create(
        community=community, invited_by=owner, user=guest
    )
    OwnershipOffer.objects.create(community=community, to_user=member, offered_by=owner)
    visits = [
        (None, reverse("circles:list")),
        (None, community.get_absolute_url()),
        (None, url("members", community)),
        (owner, reverse("circles:list") + "?tab=mine"),
        (owner, community.get_absolute_url()),
        (owner, url("members", community)),
        (owner, url("edit", community)),
        (member, url("ownership", community)),
        (guest, reverse("circles:invitations")),
        (guest, reverse("circles:invitation", args=[invitation.token])),
    ]
    for user, address in visits:
        client.logout()
        if user is not None:
            client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert response.status_code == 200, address
        assert writes(queries) == [], address


def test_hearing_answers_htmx_with_the_form_alone(client, owner):
    member = UserFactory()
    community = make_community(owner, members=[member])
    client.force_login(member)
    response = client.post(
        url("hearing", community),
        {"hearing": "nothing"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert 'value="nothing" selected' in page


def test_invite_someone_who_asked_lets_them_in(client, owner):
    community = make_community(owner, joining=Community.Joining.REQUEST)
    applicant = UserFactory()
    JoinRequest.objects.create(community=community, user=applicant)
    client.force_login(owner)
    response = client.post(url("invite", community), {"who": applicant.username})
    assert response.status_code == 302
    assert Membership.objects.filter(community=community, user=applicant).exists()


def test_invite_an_address_of_no_account(client, owner, mailoutbox):
    community = make_community(owner)
    client.force_login(owner)
    response = client.post(url("invite", community), {"who": "new@school.example"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(community=community)
    assert invitation.user is None
    assert invitation.email == "new@school.example"


def test_invite_a_bad_address_is_a_form_error_400(client, owner):
    community = make_community(owner)
    client.force_login(owner)
    response = client.post(url("invite", community), {"who": "not@an@address"})
    assert response.status_code == 400
    assert response.context["invite_form"].errors["who"]
