"""Who may see, change, join and run master-classes."""

from community import audience
from community.audience import Audience
from masterclasses.models import MasterClass, Registration


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def can_moderate_masterclasses(user) -> bool:
    # The Moderators group (and superusers).
    return _is_member(user) and (
        user.is_superuser
        # Moderators are staff: members pay no permission query here.
        or (user.is_staff and user.has_perm("masterclasses.change_masterclass"))
    )


def is_host(user, masterclass: MasterClass) -> bool:
    if not _is_member(user):
        return False
    if user.pk == masterclass.host_id:
        return True
    return any(cohost.pk == user.pk for cohost in masterclass.cohosts.all())


def in_its_group(user, masterclass: MasterClass) -> bool:
    """Whether ``user`` belongs to the community whose meeting it is (one
    query, asked once per request: the answer stays on the object)."""
    if masterclass.group_id is None or not _is_member(user):
        return False
    known = masterclass.__dict__.setdefault("_in_group", {})
    if user.pk not in known:
        known[user.pk] = audience.in_group(user, masterclass.group_id)
    return known[user.pk]


def _may_read(user, masterclass: MasterClass) -> bool:
    # ``community.audience.may_read``, with the group's answer kept.
    if masterclass.audience == Audience.GROUP:
        return in_its_group(user, masterclass)
    return audience.may_read(user, masterclass.audience, masterclass.group_id)


def can_view_masterclass(user, masterclass: MasterClass) -> bool:
    # Listed ones: those it is for (everyone, members of Kollegi, or its
    # community's members); drafts, proposals and those hidden by a
    # moderator: the hosts and moderators, who also see every meeting.
    if (
        not masterclass.is_hidden
        and masterclass.status
        in (
            MasterClass.Status.PUBLISHED,
            MasterClass.Status.FINISHED,
            MasterClass.Status.CANCELLED,
        )
        and _may_read(user, masterclass)
    ):
        return True
    return is_host(user, masterclass) or can_moderate_masterclasses(user)


def can_edit_masterclass(user, masterclass: MasterClass) -> bool:
    # Hosts and moderators, until it is cancelled or finished.
    if masterclass.status in (
        MasterClass.Status.CANCELLED,
        MasterClass.Status.FINISHED,
    ):
        return can_moderate_masterclasses(user)
    return is_host(user, masterclass) or can_moderate_masterclasses(user)


def can_see_room(
    user, masterclass: MasterClass, registration: Registration | None
) -> bool:
    # The room link: registered participants, hosts and moderators.
    if is_host(user, masterclass) or can_moderate_masterclasses(user):
        return True
    return (
        registration is not None
        and registration.status == Registration.Status.REGISTERED
    )


def can_register(user, masterclass: MasterClass) -> bool:
    # A community's meeting for its members only: its members.
    return (
        _is_member(user)
        and masterclass.status == MasterClass.Status.PUBLISHED
        and not masterclass.is_hidden
        and not is_host(user, masterclass)
        and _may_read(user, masterclass)
        and (
            not (masterclass.group_only or masterclass.audience == Audience.GROUP)
            or in_its_group(user, masterclass)
        )
    )
