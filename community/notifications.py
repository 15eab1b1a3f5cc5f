"""The registries through which apps report to the community layer.

Apps declare, in ``AppConfig.ready()``:
- their notification kinds (``notification_kind_register``): the preference a
  kind obeys (replies, mentions, reviews, master-classes, followers; None for
  a notice the member always gets) and its message for one event and for a
  group of repeats;
- their digest sections (``digest_section_register``);
- how their feed events read (``activity_kind_register``);
and the accounts app gives the member's preferences (``preferences_register``).
The community layer never imports a domain app's models. ``manage.py check``
refuses a key registered twice and a kind obeying a preference members cannot
choose (``community.checks``).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from community.registry import Registry


@dataclass(frozen=True)
class NotificationKind:
    key: str
    # The member's switch the kind obeys; None: a notice about their own
    # account or work (a moderator's warning, suspension or ban; a material
    # hidden after a copyright request) that reaches them on the site and by
    # e-mail at once, whatever they chose.
    preference: str | None
    # "%(actor)s commented on «%(target)s»" / "%(count)s new comments on «%(target)s»"
    one: Promise
    many: Promise
    # Time-bound news (a reminder an hour before) would come too late in a
    # digest: members who chose digests get these by e-mail at once.
    urgent: bool = False
    # What the notification's e-mail quotes under its line (a message's
    # text): for a batch of notifications of the kind, {notification pk:
    # plain text}, in a fixed number of queries; a notification left out is
    # e-mailed with its line and link only. None: no kind's e-mail quotes.
    email_text: Callable[[list], dict[int, str]] | None = None
    # Pushed at once even in the member's quiet hours (``community.push``):
    # a reminder that a master-class starts within the hour would come too
    # late in the morning.
    at_night: bool = False
    # What a push says when the target is private (``community.privacy``: a
    # conversation's subject is its members' own), a lazy plural taking
    # ``count`` ("New message" / "%(count)s new messages"); None: a line
    # naming no kind.
    push_line: Promise | None = None

    @property
    def mandatory(self) -> bool:
        return self.preference is None


@dataclass(frozen=True)
class DigestSection:
    key: str
    title: Promise
    order: int
    # For a batch of members and the start of the period, what each should
    # read: {user_id: [DigestItem]}, in a fixed number of queries per batch.
    items: Callable[[list, object], dict[int, list["DigestItem"]]]


@dataclass(frozen=True)
class DigestItem:
    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Preferences:
    # The member's switches a notification kind may obey (its ``preference``):
    # ``manage.py check`` refuses a kind naming another (``community.checks``).
    keys: frozenset[str]
    # (user, preference) -> "email" | "digest" | "site" | "off"
    delivery: Callable[[object, str], str]
    # Batch form of ``delivery`` for digests: {(user_id, preference): delivery}.
    deliveries: Callable[[Iterable[int]], dict[tuple[int, str], str]]
    # One-click unsubscribe: the preference (or "digest") is switched off.
    unsubscribe: Callable[[object, str], None]
    # Active members who chose digests of ``frequency`` ("daily"/"weekly") and
    # live in one of ``time_zones`` (None: any): (user, time zone, language).
    digest_recipients: Callable[
        [str, list[str] | None], Iterable[tuple[object, str, str]]
    ]
    # The member's interface language, for e-mails.
    language: Callable[[object], str]
    # Who among the members (ids) gets a push for a kind obeying the
    # preference (None: a mandatory notice): {user_id: time zone name}, those
    # with push on for it and a device switched on, in one query.
    pushes: Callable[[Iterable[int], str | None], dict[int, str]] = (
        lambda user_ids, preference: {}
    )


_kinds: Registry[str, NotificationKind] = Registry()
_sections: Registry[str, DigestSection] = Registry()
# More than one entry: a second app gave preferences (the latest is used).
_preferences: list[Preferences] = []


def notification_kind_register(
    *,
    key: str,
    preference: str | None,
    one: Promise,
    many: Promise,
    urgent: bool = False,
    email_text: Callable[[list], dict[int, str]] | None = None,
    at_night: bool = False,
    push_line: Promise | None = None,
) -> None:
    _kinds.register(
        key,
        NotificationKind(
            key,
            preference,
            one,
            many,
            urgent=urgent,
            email_text=email_text,
            at_night=at_night,
            push_line=push_line,
        ),
    )


def notification_kind(key: str) -> NotificationKind:
    """The registered kind; raises LookupError for an unknown one."""
    try:
        return _kinds[key]
    except KeyError as error:
        raise LookupError(f"unregistered notification kind {key!r}") from error


def digest_section_register(
    *,
    key: str,
    title: Promise,
    order: int,
    items: Callable[[list, object], dict[int, list[DigestItem]]],
) -> None:
    _sections.register(key, DigestSection(key, title, order, items))


def digest_sections() -> list[DigestSection]:
    return sorted(_sections.values(), key=lambda section: section.order)


def preferences_register(preferences: Preferences) -> None:
    if preferences not in _preferences:
        _preferences.append(preferences)


def preferences() -> Preferences:
    if not _preferences:
        raise LookupError("no app has registered members' preferences")
    return _preferences[-1]


# What a member's feed follows: {"actors": [...ids], "subjects": [...ids]} from
# each registered source (the accounts app gives follows and subjects).
_feed_sources: Registry[str, Callable[[object], dict[str, list[int]]]] = Registry()


def feed_source_register(key: str, source: Callable[[object], dict]) -> None:
    _feed_sources.register(key, source)


def feed_interests(user) -> tuple[list[int], list[int]]:
    actors: set[int] = set()
    subjects: set[int] = set()
    for source in _feed_sources.values():
        found = source(user)
        actors.update(found.get("actors", ()))
        subjects.update(found.get("subjects", ()))
    return sorted(actors), sorted(subjects)


# How a feed event reads: "%(actor)s replied in" before the linked title.
_activity_phrases: Registry[str, Promise] = Registry()


def activity_kind_register(key: str, phrase: Promise) -> None:
    _activity_phrases.register(key, phrase)


def activity_phrase(key: str, actor: str) -> str:
    """The event's words with the actor's name; an unregistered kind "published"."""
    from django.utils.translation import gettext

    phrase = _activity_phrases.get(key)
    if phrase is None:
        return gettext("%(actor)s published") % {"actor": actor}
    return str(phrase) % {"actor": actor}


# --- Audit actions -----------------------------------------------------------

_audit_actions: Registry[str, Promise] = Registry()


def audit_actions_register(labels: dict[str, Promise]) -> None:
    """Name the codes an app writes to the audit log (``services.audit``)."""
    for code, label in labels.items():
        _audit_actions.register(code, label)


def audit_action_choices() -> list[tuple[str, Promise]]:
    """The audit log's actions with their names: ``AuditEntry.action``'s choices.

    A callable, so that an app adding a code needs no migration.
    """
    return sorted(_audit_actions.items())


# --- Unread counts ------------------------------------------------------------

# What the header counts beside the notifications ("messages": conversations
# with a message the member has not read): for a member, the queryset of the
# rows each counts. ``selectors.unread_counts`` reads them all in one query.
_unread_sources: Registry[str, Callable[[object], object]] = Registry()


def unread_source_register(
    key: str, count_queryset: Callable[[object], object]
) -> None:
    """Count ``count_queryset(user)``'s rows as the member's unread ``key``.

    The count is kept with the notifications' under the member's unread
    version: the app moves it through ``changes.unread_changed`` whenever a
    write changes what it counts.
    """
    _unread_sources.register(key, count_queryset)


def unread_sources() -> dict[str, Callable[[object], object]]:
    return dict(_unread_sources)
