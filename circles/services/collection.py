"""A community's collection of materials: its members add materials they
may read; the one who added a material, or those who run the community,
take it out.

A material keeps its own visibility and licence: the collection only lists
it on the community's page (``circles.selectors.collection_of``). Adding the
same material twice (a double click) adds it once.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from circles.changes import collection_changed
from circles.models import Community, CommunityMaterial
from circles.permissions import can_add_to_collection, can_remove_from_collection
from circles.services._common import _audit, _lock
from community.sanctions import participation_check

__all__ = ["collection_add", "collection_remove"]


def _readable(material) -> bool:
    """Published and not hidden: what every reader of the page may open."""
    return material.is_published and not material.is_hidden


@transaction.atomic
def collection_add(*, community: Community, user, material) -> CommunityMaterial:
    """A member adds a published material to the community's collection;
    adding it again returns the first addition.

    Raises ParticipationRestricted for a suspended or banned member,
    PermissionDenied for anyone but a member of an open (or dormant),
    shown community, ValidationError "material" for a draft or a hidden one.
    """
    participation_check(user)
    _lock(community)
    if not can_add_to_collection(user, community):
        raise PermissionDenied
    if not _readable(material):
        raise ValidationError(
            _("Only a published material can be added to the collection."),
            code="material",
        )
    item, created = CommunityMaterial.objects.get_or_create(
        community=community, material=material, defaults={"added_by": user}
    )
    if created:
        _audit(community, actor=user, action="material_add", reason=material.title)
        collection_changed(community)
    return item


@transaction.atomic
def collection_remove(*, community: Community, user, item: CommunityMaterial) -> None:
    """The member who added a material, or the community's owner or a
    moderator (or a site moderator), takes it out of the collection; taking
    it out twice does it once.

    Raises PermissionDenied for anyone else, or for an item of another
    community; ParticipationRestricted for a suspended or banned member.
    """
    participation_check(user)
    if item.community_id != community.pk:
        raise PermissionDenied
    _lock(community)
    if not can_remove_from_collection(user, community, item):
        raise PermissionDenied
    deleted, _by_model = CommunityMaterial.objects.filter(pk=item.pk).delete()
    if deleted:
        _audit(
            community,
            actor=user,
            action="material_remove",
            reason=item.material.title,
        )
        collection_changed(community)
