"""Whether a member may write now: the check every writing service makes first.

``participation_check`` reads ``User.restricted_until`` (kept in step with the
member's sanctions by ``community.sanctions``), so it costs no query. It lives
apart from the sanctions, which write through ``community.services``, so that
those services can check a member without importing the sanctions back.
"""

from django.utils import timezone


class ParticipationRestricted(Exception):
    """The member is suspended or banned: they can read, not write."""

    def __init__(self, user) -> None:
        super().__init__(
            f"member {user.pk} may not write until {user.restricted_until}"
        )
        self.user = user


def is_restricted(user) -> bool:
    until = getattr(user, "restricted_until", None)
    return until is not None and until > timezone.now()


def participation_check(user) -> None:
    """Raise ParticipationRestricted while a suspension or a ban is in force."""
    if user.is_authenticated and is_restricted(user):
        raise ParticipationRestricted(user)
