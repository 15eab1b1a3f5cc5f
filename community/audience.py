"""Who may read a piece of content: everyone, members of Kollegi, or a group.

Content that may belong to a group of colleagues (a community's forum
section, its meetings) carries two plain fields of its own model:
``audience`` (``Audience``) and ``group_id`` (the group's primary key, no
foreign key: the content's app knows nothing of the app that keeps groups).
The app that keeps groups (``circles``) registers in ``AppConfig.ready()``
how to read the groups a member belongs to (``groups_register``), and keeps
each piece's audience in step with its group's visibility.

Every channel that shows content beyond its own page asks here:

- ``readable(user, prefix)``: a ``Q`` for lists a member sees (search, tag
  pages, latest topics, bookmarks, portfolios, digests, notifications);
  the member's groups are a subquery, so a list pays no query for them;
- ``public(prefix)``: a ``Q`` for channels anyone may read or that outlive
  the request (RSS/Atom, the sitemap, link previews, the home and activity
  feeds, members of the month): everyone's content only;
- ``may_read(user, audience, group_id)``: one object (one query for a group,
  none otherwise).

A member who leaves a group loses its content at once: the groups kept
for shared lists (``groups_kept``) move on when a member joins or leaves.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from community.generations import generation


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("everyone")
    MEMBERS = "members", _("members of Kollegi")
    GROUP = "group", _("members of its community")


# user → the groups the member belongs to: a queryset of the group model,
# ``.values("pk")`` (so ``.filter(pk=…)`` asks about one of them).
_GROUPS: list[Callable[[object], QuerySet]] = []  # one app keeps groups: one reader


def groups_register(reader: Callable[[object], QuerySet]) -> None:
    """Register how the groups of a member are read (once per app)."""
    if _GROUPS and _GROUPS[0] is not reader:
        raise ImproperlyConfigured("the groups of members are read by one app only")
    if not _GROUPS:
        _GROUPS.append(reader)


def _is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def groups_of(user) -> QuerySet | list:
    """The pks of the groups ``user`` belongs to, as a subquery (nothing for
    a visitor or when no app keeps groups)."""
    if not _is_member(user) or not _GROUPS:
        return []
    return _GROUPS[0](user)


def public(prefix: str = "") -> Q:
    """Content anyone may read."""
    return Q(**{f"{prefix}audience": Audience.EVERYONE})


def readable(user, prefix: str = "") -> Q:
    """Content ``user`` may read: everyone's; members' for a signed-in
    member; a group's for the group's members. ``prefix`` leads to the
    model carrying ``audience`` and ``group_id`` (``"section__"``)."""
    if not _is_member(user):
        return public(prefix)
    allowed = Q(**{f"{prefix}audience__in": (Audience.EVERYONE, Audience.MEMBERS)})
    if _GROUPS:
        allowed |= Q(
            **{
                f"{prefix}audience": Audience.GROUP,
                f"{prefix}group_id__in": groups_of(user),
            }
        )
    return allowed


def may_read(user, audience: str, group_id: int | None) -> bool:
    """Whether ``user`` may read one piece of content (one query for a
    group's content, none otherwise)."""
    if audience == Audience.EVERYONE:
        return True
    if not _is_member(user):
        return False
    if audience == Audience.MEMBERS:
        return True
    return in_group(user, group_id)


def in_group(user, group_id: int | None) -> bool:
    """Whether ``user`` belongs to group ``group_id`` (one query): writing in
    a group's content (a topic in its section) asks this, not ``may_read``."""
    if group_id is None or not _is_member(user) or not _GROUPS:
        return False
    return groups_of(user).filter(pk=group_id).exists()


def member_of(group, *, user_field: str = "pk") -> Q:
    """A ``Q`` for rows that name a member (``user_field``: ``"pk"`` on the
    members, ``"user"`` on a registration): the member belongs to ``group``,
    a group's pk or an ``OuterRef`` to one (``OuterRef("masterclass__group_id")``).
    A correlated subquery: telling the readers of a group's content (its
    notices, its reminders) pays no query per member."""
    if group is None or not _GROUPS:
        return Q(pk__in=[])
    return Q(Exists(_GROUPS[0](OuterRef(user_field)).filter(pk=group)))


def member_groups(user_id: int) -> str:
    """The generation key of a member's groups, moved on by the groups' app
    when the member joins or leaves one (``circles.changes``)."""
    return f"audience:groups:{user_id}"


# How long a member's groups are kept (a join or a leave moves them on at once).
GROUPS_KEPT = 60 * 60


def groups_kept(user) -> tuple[int, ...]:
    """The pks of the member's groups, kept in the cache until they join or
    leave one (one query when not kept, none otherwise): what a cached list
    shared by members, such as search results, is keyed by."""
    if not _is_member(user) or not _GROUPS:
        return ()
    key = f"{member_groups(user.pk)}:{generation(member_groups(user.pk))}"
    kept = cache.get(key)
    if kept is None:
        kept = tuple(sorted(groups_of(user).values_list("pk", flat=True)))
        cache.set(key, kept, GROUPS_KEPT)
    return tuple(kept)


def readers(audience: str, group_id, *, user_field: str = "pk") -> Q:
    """A ``Q`` for rows naming a member (``user_field``: ``"pk"`` on the
    members themselves) who may read content of ``audience`` and group
    ``group_id`` (a pk or an ``OuterRef``): ``may_read`` for many members at
    once, the group a subquery, not a query per member."""
    if audience == Audience.EVERYONE:
        return Q()
    active = f"{user_field}__is_active" if user_field != "pk" else "is_active"
    if audience == Audience.MEMBERS:
        return Q(**{active: True})
    return Q(**{active: True}) & member_of(group_id, user_field=user_field)
