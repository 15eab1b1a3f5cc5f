"""A community's birth and its founders' changes: the proposal with the
colleagues invited to found it, their answers until the quorum opens it,
its fields and its cover.

A community is never born empty: it opens when ``CIRCLES_QUORUM`` people,
the founder counted, have said yes. Until then only they (and site
moderators) see it.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circles import kinds
from circles.changes import (
    community_changed,
    community_renamed,
    community_shown_changed,
    community_visibility_changed,
    members_changed,
    moderators_changed,
)
from circles.models import Community, Invitation, Membership
from circles.permissions import (
    can_edit_community,
    can_moderate_communities,
    can_propose_community,
    community_audience,
)
from circles.services._common import (
    _answered_before,
    _audit,
    _lock,
    _membership_add,
    _tell_many,
    _users,
)
from community.markdown import render_markdown
from community.sanctions import participation_check
from community.slugs import free_slug, readable_slug
from forums import services as forum_services

__all__ = [
    "COVER_MAX_BYTES",
    "FIELDS",
    "RESERVED_SLUGS",
    "cofounder_answer",
    "community_cover_set",
    "community_propose",
    "community_update",
    "quorum",
]

# What ``community_update`` changes (grades and tags beside the row).
FIELDS = (
    "name",
    "purpose",
    "description",
    "subject",
    "grades",
    "region",
    "tags",
    "visibility",
    "joining",
)
# Addresses the list's own pages use under /communities/.
RESERVED_SLUGS = frozenset({"propose", "invitations"})
COVER_MAX_BYTES = 5 * 2**20
WEEK = datetime.timedelta(days=7)


def quorum() -> int:
    """People, the founder counted, for a proposal to open."""
    return max(1, settings.CIRCLES_QUORUM)


def _slug_for(name: str) -> str:
    """A readable address from the name, free and not one of the list's."""
    base = readable_slug(name, fallback="community")
    taken = set(
        Community.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    ) | set(RESERVED_SLUGS)
    return free_slug(base, taken)


def _tags_clean(tags: Iterable[str]) -> list[str]:
    return sorted({tag.strip()[:100] for tag in tags if tag.strip()})


def _check_rules(community: Community, *, joining_asked: bool) -> None:
    """A private community is joined by invitation only: forced when the
    joining was not asked for, refused when another was."""
    if community.visibility == Community.Visibility.PRIVATE:
        if joining_asked and community.joining != Community.Joining.INVITATION:
            raise ValidationError(
                {
                    "joining": ValidationError(
                        _("A private community is joined by invitation only."),
                        code="private_invitation",
                    )
                }
            )
        community.joining = Community.Joining.INVITATION


def _check(community: Community) -> None:
    errors = {}
    if not community.name.strip():
        errors["name"] = ValidationError(_("Give the community a name."), "required")
    if not community.purpose.strip():
        errors["purpose"] = ValidationError(
            _("Say in a paragraph what the community is for."), "required"
        )
    if errors:
        raise ValidationError(errors)
    community.full_clean(exclude=["founder", "subject", "cover", "slug"])


def _weekly_limit_check(founder) -> None:
    if can_moderate_communities(founder):
        return
    limit = settings.CIRCLES_PROPOSALS_PER_WEEK
    proposed = Community.objects.filter(
        founder=founder, created_at__gte=timezone.now() - WEEK
    ).count()
    if proposed >= limit:
        raise ValidationError(
            _(
                "Communities a member may propose a week: %(limit)d. "
                "Please try again later."
            )
            % {"limit": limit},
            code="limit",
        )


def _cofounders_clean(founder, cofounders: Iterable) -> list:
    """Distinct active colleagues, the founder left out."""
    found = {}
    for user in cofounders:
        if user.pk != founder.pk and user.is_active:
            found.setdefault(user.pk, user)
    return list(found.values())


def _saved_with_slug(community: Community) -> None:
    """Save a new community under a free address; a name taken at the same
    moment by another proposal gets the next number."""
    for _attempt in range(5):
        community.slug = _slug_for(community.name)
        try:
            with transaction.atomic():
                community.save()
            return
        except IntegrityError:
            if Community.objects.filter(slug=community.slug).exists():
                continue
            raise
    raise ValidationError(_("Please try again."), code="slug")


@transaction.atomic
def community_propose(
    *,
    founder,
    name: str,
    purpose: str,
    visibility: str,
    joining: str,
    cofounders: Iterable,
    description: str = "",
    subject=None,
    grades: Iterable = (),
    region: str = "",
    tags: Iterable[str] = (),
    cover=None,
) -> Community:
    """Propose a community with the colleagues invited to found it (and its
    ``cover`` picture, if given: refused, it leaves no community behind).

    The founder owns it at once; each co-founder is invited and told. It
    opens when ``CIRCLES_QUORUM`` people (the founder counted) have said yes.

    Raises ParticipationRestricted for a suspended or banned member,
    PermissionDenied for a visitor, ValidationError with the code
    "new_member" (within the new-member period), "limit" (past the weekly
    limit), "quorum" (too few co-founders), "private_invitation" (a private
    community asked to be joined otherwise) or a dict by field.
    """
    participation_check(founder)
    if not founder.is_authenticated or not founder.is_active:
        raise PermissionDenied
    if not can_propose_community(founder):
        raise ValidationError(
            _(
                "New members may propose a community after %(days)d days on "
                "Kollegi; until then, join one."
            )
            % {"days": settings.MODERATION_NEW_MEMBER_DAYS},
            code="new_member",
        )
    _weekly_limit_check(founder)
    colleagues = _cofounders_clean(founder, cofounders)
    needed = quorum() - 1
    if len(colleagues) < needed:
        raise ValidationError(
            {
                "cofounders": ValidationError(
                    _("Invite colleagues to found it with you: at least %(count)d.")
                    % {"count": needed},
                    code="quorum",
                )
            }
        )
    community = Community(
        founder=founder,
        name=name.strip(),
        purpose=purpose.strip(),
        description=description,
        description_html=render_markdown(description),
        subject=subject,
        region=region,
        visibility=visibility,
        joining=joining,
        status=Community.Status.PROPOSED,
        member_count=0,
        slug="-",
    )
    _check_rules(community, joining_asked=True)
    _check(community)
    _saved_with_slug(community)
    community.grades.set(grades)
    community.tags.set(_tags_clean(tags))
    _membership_add(community, founder, role=Membership.Role.OWNER)
    Invitation.objects.bulk_create(
        [
            Invitation(
                community=community,
                invited_by=founder,
                user=colleague,
                purpose=Invitation.Purpose.COFOUNDER,
            )
            for colleague in colleagues
        ]
    )
    _audit(community, actor=founder, action="propose")
    _tell_many(
        community,
        recipients=_users([colleague.pk for colleague in colleagues]),
        kind=kinds.COFOUNDER_INVITED,
        actor=founder,
        url=reverse("circles:invitations"),
    )
    _open_if_quorum(community)
    community_changed(community)
    if cover is not None:
        community = community_cover_set(
            community=community, editor=founder, upload=cover
        )
    return community


def _open_if_quorum(community: Community) -> bool:
    """Open a proposal once enough founders are in (under the community's
    lock, so two last answers at once open it once); all of them are told.
    Its forum section is made then, moderated by its owner and moderators."""
    if community.status != Community.Status.PROPOSED:
        return False
    if Membership.objects.filter(community=community).count() < quorum():
        return False
    now = timezone.now()
    community.status = Community.Status.OPEN
    community.opened_at = now
    community.last_activity_at = now
    community.section = forum_services.group_section_create(
        title=community.name,
        group_id=community.pk,
        audience=community_audience(community),
    )
    Community.objects.filter(pk=community.pk).update(
        status=community.status,
        opened_at=now,
        last_activity_at=now,
        section=community.section,
    )
    moderators_changed(community)
    _audit(community, actor=None, action="open")
    _tell_many(
        community,
        recipients=_users(
            Membership.objects.filter(community=community).values("user_id")
        ),
        kind=kinds.OPENED,
    )
    community_visibility_changed(community)
    return True


@transaction.atomic
def cofounder_answer(*, invitation: Invitation, user, accept: bool) -> Community:
    """A colleague invited to found a community says yes (and moderates it
    with the founder) or no. The answer that reaches the quorum opens it.

    Raises PermissionDenied when the invitation is someone else's,
    ValidationError "answered" for a second, different answer, "closed"
    for an archived or hidden community.
    """
    if accept:
        participation_check(user)
    community = invitation.community
    _lock(community)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.purpose != Invitation.Purpose.COFOUNDER:
        raise PermissionDenied
    if invitation.user_id is None and invitation.status == Invitation.Status.PENDING:
        invitation.user = user  # an address invitation: the one who opened it
    if invitation.user_id != user.pk:
        raise PermissionDenied
    if _answered_before(invitation, accept):
        return community
    invitation.answered_at = timezone.now()
    if not accept:
        invitation.status = Invitation.Status.DECLINED
        invitation.save(update_fields=["user", "status", "answered_at"])
        _audit(community, actor=user, action="decline")
        return community
    if community.is_hidden or community.status == Community.Status.ARCHIVED:
        raise ValidationError(
            _("This community does not take members now."), code="closed"
        )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.save(update_fields=["user", "status", "answered_at"])
    membership, _created = _membership_add(
        community, user, role=Membership.Role.MODERATOR
    )
    if membership.role == Membership.Role.MEMBER:
        membership.role = Membership.Role.MODERATOR
        membership.save(update_fields=["role"])
    _audit(community, actor=user, action="join", reason=_("co-founder"))
    if not _open_if_quorum(community):
        moderators_changed(community)
        members_changed(community)
    return community


def _fields_set(community: Community, fields: dict) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"community_update: unknown fields {sorted(unknown)}")
    for key in ("name", "purpose"):
        if key in fields:
            fields[key] = fields[key].strip()
    for key, value in fields.items():
        if key not in ("grades", "tags"):
            setattr(community, key, value)


@transaction.atomic
def community_update(
    *, community: Community, editor, cover=None, **fields
) -> Community:
    """The owner (or a site moderator) changes the community's fields
    (``FIELDS``); its address stays. Making it private makes it invitation
    only.

    Raises PermissionDenied for anyone else, ValidationError (a dict by
    field; "private_invitation" when a private community is asked to be
    joined otherwise).
    """
    participation_check(editor)
    if not can_edit_community(editor, community):
        raise PermissionDenied
    _lock(community)
    before = community.visibility
    before_name = community.name
    _fields_set(community, fields)
    if "description" in fields:
        community.description_html = render_markdown(community.description)
    _check_rules(community, joining_asked="joining" in fields)
    _check(community)
    community.save()
    if "grades" in fields:
        community.grades.set(fields["grades"])
    if "tags" in fields:
        community.tags.set(_tags_clean(fields["tags"]))
    _audit(community, actor=editor, action="edit")
    if community.visibility != before:
        community_visibility_changed(community)
    elif community.name != before_name:
        community_renamed(community)
    else:
        community_changed(community)
    if cover is not None:
        community = community_cover_set(
            community=community, editor=editor, upload=cover
        )
    return community


def community_cover_set(*, community: Community, editor, upload) -> Community:
    """A cover picture, decoded and re-encoded (content checked, EXIF dropped).

    Raises PermissionDenied for anyone but the owner or a site moderator,
    ValidationError ("too_large", "not_image", "format") for a bad picture.
    """
    from django.core.files.base import ContentFile

    from community.images import image_clean

    participation_check(editor)
    if not can_edit_community(editor, community):
        raise PermissionDenied
    clean = image_clean(upload, max_bytes=COVER_MAX_BYTES, max_side=1600)
    previous = community.cover.name
    community.cover.save(
        f"cover-{community.pk}.{clean.extension}",
        ContentFile(clean.content),
        save=False,
    )
    Community.objects.filter(pk=community.pk).update(cover=community.cover.name)
    community_shown_changed(community)
    if previous:
        storage = community.cover.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return community
