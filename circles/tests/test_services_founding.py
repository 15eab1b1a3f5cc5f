"""A community is born from below, never empty: proposed with colleagues,
opened when the quorum has said yes."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import UserFactory
from circles import kinds, services
from circles.models import Community, Invitation, Membership
from circles.permissions import can_view_community
from circles.tests.factories import (
    CommunityFactory,
    EstablishedUserFactory,
    MembershipFactory,
    restricted,
    site_moderator,
)
from community.models import ActivityEvent, AuditEntry, Notification, Subject
from community.sanctions import ParticipationRestricted

pytestmark = pytest.mark.django_db


def _propose(founder=None, cofounders=None, **fields):
    founder = founder or EstablishedUserFactory()
    if cofounders is None:
        cofounders = UserFactory.create_batch(2)
    values = {
        "name": "Учителя математики Казани",
        "purpose": "Обмениваемся задачами и разбираем олимпиады.",
        "visibility": Community.Visibility.PUBLIC,
        "joining": Community.Joining.OPEN,
        **fields,
    }
    return services.community_propose(founder=founder, cofounders=cofounders, **values)


def _actions(community) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=community.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _invitation(community, user) -> Invitation:
    return Invitation.objects.get(community=community, user=user)


# --- The proposal -------------------------------------------------------------


def test_a_proposal_is_owned_by_its_founder_and_invites_the_cofounders():
    founder = EstablishedUserFactory()
    first, second = UserFactory.create_batch(2)

    community = _propose(founder, [first, second], description="Мы **решаем**.")

    assert community.status == Community.Status.PROPOSED
    assert community.slug == "uchitelia-matematiki-kazani"
    assert "<strong>решаем</strong>" in community.description_html
    assert community.member_count == 1
    assert Community.objects.get(pk=community.pk).member_count == 1
    owner = Membership.objects.get(community=community)
    assert (owner.user, owner.role) == (founder, Membership.Role.OWNER)
    invitations = Invitation.objects.filter(community=community)
    assert {(i.user, i.purpose, i.status) for i in invitations} == {
        (first, Invitation.Purpose.COFOUNDER, Invitation.Status.PENDING),
        (second, Invitation.Purpose.COFOUNDER, Invitation.Status.PENDING),
    }
    told = Notification.objects.filter(kind=kinds.COFOUNDER_INVITED)
    assert {n.recipient for n in told} == {first, second}
    assert {n.url for n in told} == {reverse("circles:invitations")}
    assert _actions(community) == ["community_propose"]


def test_a_proposal_is_seen_by_its_founders_and_moderators_only():
    founder, cofounder, outsider = (
        EstablishedUserFactory(),
        UserFactory(),
        UserFactory(),
    )
    community = _propose(founder, [cofounder, UserFactory()])

    assert can_view_community(founder, community)
    assert can_view_community(cofounder, Community.objects.get(pk=community.pk))
    assert can_view_community(site_moderator(), community)
    assert not can_view_community(outsider, community)


def test_slugs_are_readable_free_and_never_the_lists_own_pages():
    assert _propose(name="Физика 7-9").slug == "fizika-7-9"
    assert _propose(name="Физика 7-9!").slug == "fizika-7-9-2"
    assert _propose(name="Propose").slug == "propose-2"
    assert _propose(name="Invitations").slug == "invitations-2"
    assert _propose(name="数学").slug == "community"


def test_a_private_community_is_joined_by_invitation_only():
    with pytest.raises(ValidationError) as error:
        _propose(visibility=Community.Visibility.PRIVATE)
    assert error.value.error_dict["joining"][0].code == "private_invitation"

    community = _propose(
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    assert community.joining == Community.Joining.INVITATION


def test_too_few_cofounders_are_refused_the_founder_and_repeats_not_counted():
    founder = EstablishedUserFactory()
    colleague = UserFactory()

    with pytest.raises(ValidationError) as error:
        _propose(founder, [colleague, colleague, founder])

    assert error.value.error_dict["cofounders"][0].code == "quorum"
    assert not Community.objects.exists()


def test_the_quorum_is_a_setting(settings):
    settings.CIRCLES_QUORUM = 4
    with pytest.raises(ValidationError):
        _propose(cofounders=UserFactory.create_batch(2))

    settings.CIRCLES_QUORUM = 1
    assert _propose(cofounders=[]).status == Community.Status.OPEN


def test_a_member_proposes_at_most_the_weekly_limit(settings):
    settings.CIRCLES_PROPOSALS_PER_WEEK = 2
    founder = EstablishedUserFactory()
    _propose(founder, name="Первое")
    _propose(founder, name="Второе")

    with pytest.raises(ValidationError) as error:
        _propose(founder, name="Третье")

    assert error.value.code == "limit"


def test_a_new_member_cannot_propose_yet():
    with pytest.raises(ValidationError) as error:
        _propose(UserFactory())

    assert error.value.code == "new_member"


def test_suspended_members_cannot_propose():
    with pytest.raises(ParticipationRestricted):
        _propose(restricted(EstablishedUserFactory()))


def test_a_proposal_needs_a_name_and_a_purpose():
    with pytest.raises(ValidationError) as error:
        _propose(name="  ", purpose="")

    assert set(error.value.error_dict) == {"name", "purpose"}


def test_subject_grades_region_and_tags_are_kept():
    subject = Subject.objects.get(slug="mathematics")
    community = _propose(
        subject=subject, region="tatarstan", tags=["олимпиады", " ОГЭ ", ""]
    )

    assert community.subject == subject
    assert community.region == "tatarstan"
    assert sorted(tag.name for tag in community.tags.all()) == ["ОГЭ", "олимпиады"]


# --- The co-founders' answers -------------------------------------------------


def test_the_answer_that_reaches_the_quorum_opens_the_community():
    founder = EstablishedUserFactory()
    first, second = UserFactory.create_batch(2)
    community = _propose(founder, [first, second])

    services.cofounder_answer(
        invitation=_invitation(community, first), user=first, accept=True
    )
    community.refresh_from_db()
    assert community.status == Community.Status.PROPOSED
    assert community.member_count == 2
    assert Membership.objects.get(community=community, user=first).role == (
        Membership.Role.MODERATOR
    )

    services.cofounder_answer(
        invitation=_invitation(community, second), user=second, accept=True
    )
    community.refresh_from_db()
    assert community.status == Community.Status.OPEN
    assert community.opened_at is not None
    assert community.member_count == 3
    told = Notification.objects.filter(kind=kinds.OPENED)
    assert {n.recipient for n in told} == {founder, first, second}
    assert _actions(community).count("community_open") == 1
    assert ActivityEvent.objects.filter(
        kind=kinds.COMMUNITY_ACTIVITY, target_id=community.pk
    ).exists()


def test_an_answer_given_twice_is_given_once():
    first = UserFactory()
    community = _propose(cofounders=[first, UserFactory()])
    invitation = _invitation(community, first)

    services.cofounder_answer(invitation=invitation, user=first, accept=True)
    services.cofounder_answer(invitation=invitation, user=first, accept=True)

    assert Community.objects.get(pk=community.pk).member_count == 2
    with pytest.raises(ValidationError) as error:
        services.cofounder_answer(invitation=invitation, user=first, accept=False)
    assert error.value.code == "answered"


def test_a_declined_invitation_keeps_the_proposal_waiting():
    first = UserFactory()
    community = _propose(cofounders=[first, UserFactory()])

    services.cofounder_answer(
        invitation=_invitation(community, first), user=first, accept=False
    )

    community.refresh_from_db()
    assert community.status == Community.Status.PROPOSED
    assert community.member_count == 1
    assert _invitation(community, first).status == Invitation.Status.DECLINED
    assert not can_view_community(first, community)


def test_only_the_invited_colleague_answers():
    first = UserFactory()
    community = _propose(cofounders=[first, UserFactory()])

    with pytest.raises(PermissionDenied):
        services.cofounder_answer(
            invitation=_invitation(community, first), user=UserFactory(), accept=True
        )


def test_the_founder_invites_another_cofounder_when_one_declines(settings):
    founder = EstablishedUserFactory()
    first, second, third = UserFactory.create_batch(3)
    community = _propose(founder, [first, second])
    services.cofounder_answer(
        invitation=_invitation(community, first), user=first, accept=False
    )
    services.cofounder_answer(
        invitation=_invitation(community, second), user=second, accept=True
    )

    invitation = services.invitation_create(
        community=community, inviter=founder, user=third
    )
    assert invitation.purpose == Invitation.Purpose.COFOUNDER
    assert Notification.objects.filter(
        kind=kinds.COFOUNDER_INVITED, recipient=third
    ).exists()
    services.invitation_answer(invitation=invitation, user=third, accept=True)

    assert Community.objects.get(pk=community.pk).status == Community.Status.OPEN


def test_only_the_owner_invites_to_a_proposal():
    first = UserFactory()
    community = _propose(cofounders=[first, UserFactory()])
    services.cofounder_answer(
        invitation=_invitation(community, first), user=first, accept=True
    )

    with pytest.raises(PermissionDenied):
        services.invitation_create(
            community=community, inviter=first, user=UserFactory()
        )


# --- The owner's changes ------------------------------------------------------


def test_the_owner_edits_the_community_its_address_stays():
    community = CommunityFactory(name="Старое имя", slug="staroe-imia")

    services.community_update(
        community=community,
        editor=community.founder,
        name="Новое имя",
        description="*Привет*",
        tags=["ВПР"],
    )

    community.refresh_from_db()
    assert (community.name, community.slug) == ("Новое имя", "staroe-imia")
    assert community.description_html == "<p><em>Привет</em></p>"
    assert [tag.name for tag in community.tags.all()] == ["ВПР"]
    assert "community_edit" in _actions(community)


def test_making_a_community_private_makes_it_invitation_only():
    community = CommunityFactory()

    services.community_update(
        community=community,
        editor=community.founder,
        visibility=Community.Visibility.PRIVATE,
    )
    assert Community.objects.get(pk=community.pk).joining == (
        Community.Joining.INVITATION
    )

    with pytest.raises(ValidationError) as error:
        services.community_update(
            community=community,
            editor=community.founder,
            joining=Community.Joining.OPEN,
        )
    assert error.value.error_dict["joining"][0].code == "private_invitation"


def test_only_the_owner_or_a_site_moderator_edits():
    community = CommunityFactory()
    moderator = MembershipFactory(
        community=community, role=Membership.Role.MODERATOR
    ).user

    with pytest.raises(PermissionDenied):
        services.community_update(community=community, editor=moderator, name="X")
    services.community_update(
        community=community, editor=site_moderator(), name="Поправлено"
    )
    assert Community.objects.get(pk=community.pk).name == "Поправлено"


def _png() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), "image/png")


def test_the_owner_sets_a_cover_checked_and_re_encoded():
    community = CommunityFactory()

    services.community_cover_set(
        community=community, editor=community.founder, upload=_png()
    )

    stored = Community.objects.get(pk=community.pk).cover
    assert stored.name.endswith(".png")
    assert stored.storage.exists(stored.name)
    with pytest.raises(PermissionDenied):
        services.community_cover_set(
            community=community, editor=UserFactory(), upload=_png()
        )


def test_a_proposal_comes_with_its_cover_or_not_at_all():
    """The cover is part of the proposal: a refused picture leaves no
    community behind (one transaction, in the service)."""
    community = _propose(cover=_png())
    assert Community.objects.get(pk=community.pk).cover.name.endswith(".png")

    not_a_picture = SimpleUploadedFile("cover.png", b"not a picture", "image/png")
    with pytest.raises(ValidationError):
        _propose(name="Учителя физики Казани", cover=not_a_picture)

    assert not Community.objects.filter(name="Учителя физики Казани").exists()


def test_an_edit_comes_with_its_cover():
    community = CommunityFactory()

    services.community_update(
        community=community, editor=community.founder, name="Новое имя", cover=_png()
    )

    stored = Community.objects.get(pk=community.pk)
    assert (stored.name, stored.cover.name.endswith(".png")) == ("Новое имя", True)
