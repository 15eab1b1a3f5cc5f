"""``manage.py check`` for the registries apps fill in ``AppConfig.ready()``.

A typo in a registration (a kind obeying ``preference="replis"``, a badge
rule counting a measure nobody registered, two apps choosing the same key)
would otherwise show only when the entry is first used: a KeyError at the
first ``notify``, a badge evaluation that fails every night. Django runs these
checks, after every app is ready, before ``runserver``, ``migrate`` and in CI
(``manage.py check``), and lists every problem at once.

Each registry is read when the check runs, not when this module is imported,
so a test that swaps one in is checked as it is. Apps with registries of
their own add them with ``registry_checked`` (``accounts``: the portfolio's
sections, bookmarks).

Error ids:
- community.E001: a key registered twice with different entries;
- community.E002: a notification kind obeys a preference no app offers;
- community.E003: kinds obey preferences, but no app registered them;
- community.E004: members' preferences registered more than once;
- community.E005: a badge rule counts a measure no app registered;
- community.E006: a badge rule's tier is not one of ``Badge.Tier``;
- community.E007: a badge rule's threshold is below 1;
- community.E008: one model registered under two keys (reports, search);
- community.E009: a navigation entry names a URL that does not resolve;
- community.E010: a template a registry names does not exist.

Warning ids (``manage.py check --deploy``):
- community.W001: web push is on without both VAPID keys, or with a private
  key that cannot be read.
"""

from collections.abc import Callable, Hashable, Iterable

from django.conf import settings
from django.core import checks
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse

from community import (
    attainments,
    badges,
    certificates,
    feeds,
    home,
    inbox,
    navigation,
    notifications,
    page_blocks,
    reports,
    search,
    sitemaps,
    tags,
)
from community.registry import Registry

# (name in messages, the registry as it is now)
_registries: list[tuple[str, Callable[[], Registry]]] = []


def registry_checked(name: str, registry: Callable[[], Registry]) -> None:
    """Have ``manage.py check`` report keys registered twice in ``registry()``."""
    if name not in (known for known, _read in _registries):
        _registries.append((name, registry))


registry_checked("notification kinds", lambda: notifications._kinds)
registry_checked("digest sections", lambda: notifications._sections)
registry_checked("feed sources", lambda: notifications._feed_sources)
registry_checked("activity kinds", lambda: notifications._activity_phrases)
registry_checked("audit actions", lambda: notifications._audit_actions)
registry_checked("badge measures", lambda: badges._measures)
registry_checked("badge rules", lambda: badges._rules)
registry_checked("contribution sources", lambda: badges._contributions)
registry_checked("reportables", lambda: reports._registry)
registry_checked("search kinds", lambda: search._kinds)
registry_checked("inbox sources", lambda: inbox._sources)
registry_checked("home blocks", lambda: home._blocks)
registry_checked("page blocks", lambda: page_blocks._blocks)
registry_checked("tag feed sources", lambda: feeds._tag_sources)
registry_checked("sitemap sections", lambda: sitemaps._sections)
registry_checked("tag page sources", lambda: tags._sources)
registry_checked("unread sources", lambda: notifications._unread_sources)
registry_checked("certificate sources", lambda: certificates._sources)
registry_checked("attainment sources", lambda: attainments._sources)
registry_checked("attainment listeners", lambda: attainments._listeners)
registry_checked("suggestion sources", lambda: attainments._suggestions)


def _key(key: Hashable) -> str:
    # Home blocks are keyed by (audience, key).
    return "/".join(key) if isinstance(key, tuple) else str(key)


@checks.register("registries")
def registry_duplicates_check(**kwargs) -> list[checks.CheckMessage]:
    errors = []
    for name, read in _registries:
        for key in dict.fromkeys(read().duplicates):
            errors.append(
                checks.Error(
                    f"The {name} registry has the key {_key(key)!r} registered "
                    "twice with different entries; the later one replaced the "
                    "earlier.",
                    hint="Give each entry its own key, or register it once.",
                    obj=f"{name}: {_key(key)}",
                    id="community.E001",
                )
            )
    seen: dict[str, tuple] = {}
    for entry in navigation._sections:
        _order, url_name, _title = entry
        if url_name in seen and seen[url_name] != entry:
            errors.append(
                checks.Error(
                    f"The navigation registry has the URL name {url_name!r} "
                    "registered twice with different titles or orders.",
                    hint="Register each section of the navigation once.",
                    obj=f"navigation: {url_name}",
                    id="community.E001",
                )
            )
        seen.setdefault(url_name, entry)
    return errors


@checks.register("registries")
def notification_preferences_check(**kwargs) -> list[checks.CheckMessage]:
    errors = []
    given = notifications._preferences
    if len(given) > 1:
        errors.append(
            checks.Error(
                f"Members' preferences are registered {len(given)} times; only "
                "the latest is used.",
                hint="Only the accounts app calls preferences_register().",
                obj="preferences",
                id="community.E004",
            )
        )
    obeying = [
        kind for kind in notifications._kinds.values() if kind.preference is not None
    ]
    if not given:
        if obeying:
            errors.append(
                checks.Error(
                    "Notification kinds obey members' preferences, but no app "
                    "registered the preferences.",
                    hint="The accounts app calls preferences_register() in ready().",
                    obj="preferences",
                    id="community.E003",
                )
            )
        return errors
    keys = given[-1].keys
    for kind in obeying:
        if kind.preference not in keys:
            errors.append(
                checks.Error(
                    f"The notification kind {kind.key!r} obeys the preference "
                    f"{kind.preference!r}, which members cannot choose.",
                    hint=(
                        f"Use one of {_listed(keys)}, or None for a notice the "
                        "member always gets."
                    ),
                    obj=f"notification kinds: {kind.key}",
                    id="community.E002",
                )
            )
    return errors


@checks.register("registries")
def badge_rules_check(**kwargs) -> list[checks.CheckMessage]:
    from community.models import Badge

    errors = []
    tiers = Badge.Tier.values
    for rule in badges._rules.values():
        where = f"badge rules: {rule.key}"
        if rule.measure not in badges._measures:
            errors.append(
                checks.Error(
                    f"The badge rule {rule.key!r} counts the measure "
                    f"{rule.measure!r}, which no app registered.",
                    hint=f"Use one of {_listed(badges._measures)}, or register "
                    "the measure with badge_measure_register().",
                    obj=where,
                    id="community.E005",
                )
            )
        if rule.tier not in tiers:
            errors.append(
                checks.Error(
                    f"The badge rule {rule.key!r} has the tier {rule.tier!r}.",
                    hint=f"Use one of {_listed(tiers)}.",
                    obj=where,
                    id="community.E006",
                )
            )
        if rule.threshold < 1:
            errors.append(
                checks.Error(
                    f"The badge rule {rule.key!r} has the threshold "
                    f"{rule.threshold}: nobody could earn it.",
                    hint="A threshold is 1 or more.",
                    obj=where,
                    id="community.E007",
                )
            )
    return errors


@checks.register("registries")
def registered_models_check(**kwargs) -> list[checks.CheckMessage]:
    # reportable_for_model() and the search index find an entry by its model:
    # a model under two keys would answer to one of them only.
    errors = []
    for name, entries in (
        ("reportables", reports._registry.values()),
        ("search kinds", search._kinds.values()),
    ):
        first: dict[type, str] = {}
        for entry in entries:
            if entry.model in first:
                errors.append(
                    checks.Error(
                        f"The {name} registry has the model "
                        f"{entry.model._meta.label} under two keys, "
                        f"{first[entry.model]!r} and {entry.key!r}.",
                        hint="Register each model once.",
                        obj=f"{name}: {entry.key}",
                        id="community.E008",
                    )
                )
            first.setdefault(entry.model, entry.key)
    return errors


@checks.register("registries", checks.Tags.urls)
def navigation_check(**kwargs) -> list[checks.CheckMessage]:
    errors = []
    for _order, url_name, _title in [
        *navigation._sections,
        *navigation._member_links,
    ]:
        try:
            reverse(url_name)
        except NoReverseMatch:
            errors.append(
                checks.Error(
                    f"The navigation section {url_name!r} names a URL that does "
                    "not resolve without arguments.",
                    hint="nav_register() takes a URL name with its namespace, "
                    "e.g. 'forums:index'.",
                    obj=f"navigation: {url_name}",
                    id="community.E009",
                )
            )
    return errors


@checks.register("registries", checks.Tags.templates)
def registry_templates_check(**kwargs) -> list[checks.CheckMessage]:
    named = [
        (f"home blocks: {_key(key)}", template)
        for key, block in home._blocks.items()
        for template in (block.template, block.summary_template)
        if template
    ] + [
        (f"tag page sources: {source.key}", source.template)
        for source in tags._sources.values()
    ]
    named += [
        (f"page blocks: {_key(key)}", block.template)
        for key, block in page_blocks._blocks.items()
    ]
    errors = []
    for where, template in named:
        try:
            get_template(template)
        except TemplateDoesNotExist:
            errors.append(
                checks.Error(
                    f"The template {template!r} of {where} does not exist.",
                    obj=where,
                    id="community.E010",
                )
            )
    return errors


def _listed(keys: Iterable[str]) -> str:
    return ", ".join(repr(key) for key in sorted(keys)) or "(none)"


@checks.register(checks.Tags.security, deploy=True)
def push_keys_check(**kwargs) -> list[checks.CheckMessage]:
    """Push switched on needs both VAPID keys (from the environment): without
    them no push is sent, and the devices page offers nothing to turn on."""
    if not settings.PUSH_ENABLED:
        return []
    missing = [
        name
        for name in ("PUSH_VAPID_PUBLIC_KEY", "PUSH_VAPID_PRIVATE_KEY")
        if not getattr(settings, name)
    ]
    hint = (
        "Give DJANGO_PUSH_VAPID_PUBLIC_KEY and DJANGO_PUSH_VAPID_PRIVATE_KEY "
        "(base64url), or set DJANGO_PUSH_ENABLED=false."
    )
    if missing:
        return [
            checks.Warning(
                f"Web push is on (PUSH_ENABLED) without {' and '.join(missing)}: "
                "no push is sent.",
                hint=hint,
                id="community.W001",
            )
        ]
    from py_vapid import Vapid

    try:
        Vapid.from_string(private_key=settings.PUSH_VAPID_PRIVATE_KEY)
    except Exception:  # a key that is not one raises many kinds of error
        return [
            checks.Warning(
                "Web push is on, but PUSH_VAPID_PRIVATE_KEY cannot be read: "
                "no push is sent.",
                hint=hint,
                id="community.W001",
            )
        ]
    return []
