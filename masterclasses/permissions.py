"""Who may see, change, join and run master-classes."""

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


def can_view_masterclass(user, masterclass: MasterClass) -> bool:
    # Listed ones: everyone; drafts, proposals and those hidden by a moderator:
    # the hosts and moderators.
    if not masterclass.is_hidden and masterclass.status in (
        MasterClass.Status.PUBLISHED,
        MasterClass.Status.FINISHED,
        MasterClass.Status.CANCELLED,
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
    return (
        _is_member(user)
        and masterclass.status == MasterClass.Status.PUBLISHED
        and not masterclass.is_hidden
        and not is_host(user, masterclass)
    )
