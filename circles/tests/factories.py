import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import UserFactory
from circles.models import (
    Community,
    CommunityBan,
    CommunityMaterial,
    Invitation,
    JoinRequest,
    Membership,
    OwnershipOffer,
)


class EstablishedUserFactory(UserFactory):
    """A member past the new-member period: may propose a community."""

    date_joined = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=90)
    )


class CommunityFactory(DjangoModelFactory):
    """An open, public community anyone may join, its founder its owner.

    ``member_count`` counts the owner; memberships made with
    ``MembershipFactory`` keep it (as the services do).
    """

    class Meta:
        model = Community
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Сообщество учителей № {n + 1}")
    slug = factory.Sequence(lambda n: f"soobshchestvo-{n + 1}")
    purpose = "Делимся опытом преподавания и помогаем друг другу."
    founder = factory.SubFactory(EstablishedUserFactory)
    visibility = Community.Visibility.PUBLIC
    joining = Community.Joining.OPEN
    status = Community.Status.OPEN
    opened_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyFunction(timezone.now)
    member_count = 0

    @factory.post_generation
    def owner(community, create, extracted, **kwargs):
        """The founder owns it (``owner=False``: nobody does)."""
        if not create or extracted is False:
            return
        MembershipFactory(
            community=community, user=community.founder, role=Membership.Role.OWNER
        )


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from django.db.models import F

        membership = super()._create(model_class, *args, **kwargs)
        Community.objects.filter(pk=membership.community_id).update(
            member_count=F("member_count") + 1
        )
        membership.community.member_count += 1
        return membership


class JoinRequestFactory(DjangoModelFactory):
    class Meta:
        model = JoinRequest

    community = factory.SubFactory(CommunityFactory, joining=Community.Joining.REQUEST)
    user = factory.SubFactory(UserFactory)
    message = "Хочу делиться опытом."


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    community = factory.SubFactory(CommunityFactory)
    invited_by = factory.LazyAttribute(lambda invitation: invitation.community.founder)
    user = factory.SubFactory(UserFactory)
    purpose = Invitation.Purpose.MEMBER


class CommunityBanFactory(DjangoModelFactory):
    class Meta:
        model = CommunityBan

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    banned_by = factory.LazyAttribute(lambda ban: ban.community.founder)


class OwnershipOfferFactory(DjangoModelFactory):
    class Meta:
        model = OwnershipOffer

    community = factory.SubFactory(CommunityFactory)
    to_user = factory.SubFactory(UserFactory)
    offered_by = factory.LazyAttribute(lambda offer: offer.community.founder)


def site_moderator():
    """A site moderator for communities: staff with the circles permission
    (the Moderators group's, once ``accounts.roles`` lists it)."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="circles", codename="change_community"
        )
    )
    return type(user).objects.get(pk=user.pk)


def restricted(user):
    """Suspend a member (as a sanction keeps ``restricted_until``)."""
    user.restricted_until = timezone.now() + datetime.timedelta(days=3)
    user.save(update_fields=["restricted_until"])
    return user


def with_section(community):
    """Give an open community made by the factory its forum section, as
    opening it does (its owner and moderators moderate it)."""
    from circles.changes import moderators_changed
    from circles.permissions import community_audience
    from forums.services import group_section_create

    community.section = group_section_create(
        title=community.name,
        group_id=community.pk,
        audience=community_audience(community),
    )
    Community.objects.filter(pk=community.pk).update(section=community.section)
    moderators_changed(community)
    return community


class CommunityMaterialFactory(DjangoModelFactory):
    class Meta:
        model = CommunityMaterial

    community = factory.SubFactory(CommunityFactory)
    material = factory.SubFactory("materials.tests.factories.MaterialFactory")
    added_by = factory.LazyAttribute(lambda item: item.community.founder)
