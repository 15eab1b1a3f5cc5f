"""A plan's items, rendered once and kept in the cache.

A plan's page spent most of its time rendering its items again on every
visit. Each item's row (``partials/_item_row.html``) is kept under what it
shows: the plan and the item, its kind, title, link, competency (code and
title), due date and when it was done, whether it is overdue, with the
language, the time zone and the templates' text, the compiled translations
and the icons' address (``community.releases``). A write that changes what
a row shows gives it another key: nothing kept can be shown after it, and
stale entries just expire. The rows are read only after the page's own
check (``permissions.can_view_plan``): the plan's owner and her mentor see
the same row.

The owner's controls of an active plan (done, edit, remove: forms with her
CSRF token) are no part of what is kept: they go in per request where
``CONTROLS_SLOT`` is. Member text cannot carry the marker: it is escaped.

**The criteria** (``criteria``: ``partials/_criteria.html``, the evidence
counted for each criterion of the plan's target) are kept under the plan,
its target and owner and the facts above, with the version of her evidence
(``changes.EVIDENCE_KEY``, which her evidence's change functions move). A
target's criteria never change once a plan is made with its version (the
admin locks it). While the version matches, the page asks no query for
them.
"""

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from community.generations import generations
from community.releases import kept_key, key_value, release_digest
from community.templatetags.icons import icon
from growth import selectors
from growth.changes import EVIDENCE_KEY

ITEM_TEMPLATE = "growth/partials/_item_row.html"
CRITERIA_TEMPLATE = "growth/partials/_criteria.html"
CONTROLS_SLOT = "<!--item-controls-->"
TIMEOUT = 60 * 60


def _key(item, today, facts: tuple) -> str:
    competency = item.competency
    return kept_key(
        "growth",
        "item-row:v2",
        (
            item.plan_id,
            item.pk,
            item.kind,
            item.title,
            item.url,
            (competency.code, competency.title) if competency else None,
            key_value(item.due_on),
            key_value(item.done_at),
            bool(item.due_on and item.due_on < today),
            facts,
        ),
    )


def _urls(item) -> tuple[str, str, str]:
    """An item's controls' addresses, escaped: kept with its row."""
    args = [item.plan_id, item.pk]
    return (
        escape(reverse("growth:item_done", args=args)),
        escape(reverse("growth:item_edit", args=args)),
        escape(reverse("growth:item_remove", args=args)),
    )


def _controls(item, urls: tuple, *, token: str, page_number: int, labels: dict) -> str:
    """The owner's controls of one item, as the template drew them."""
    title = f'<span class="visually-hidden">: {escape(item.title)}</span>'
    done_url, edit_url, remove_url = urls
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    page = (
        f'<input type="hidden" name="page" value="{page_number}">'
        if page_number > 1
        else ""
    )
    if item.done_at:
        toggle = (
            '<input type="hidden" name="done" value="0"><button type="submit" '
            f'class="btn btn-outline-secondary btn-sm">{icon("arrow-counterclockwise")}'
            f"<span>{labels['undone']}</span>{title}</button>"
        )
    else:
        toggle = (
            '<input type="hidden" name="done" value="1"><button type="submit" '
            f'class="btn btn-outline-primary btn-sm">{icon("check2")}'
            f"<span>{labels['done']}</span>{title}</button>"
        )
    return (
        '<div class="d-flex flex-wrap gap-1 mt-1">'
        f'<form method="post" action="{done_url}">{csrf}{page}{toggle}</form>'
        f'<a class="btn btn-quiet btn-sm" href="{edit_url}">{icon("pencil")}'
        f"<span>{labels['edit']}</span>{title}</a>"
        f'<form method="post" action="{remove_url}">{csrf}<button type="submit" '
        f'class="btn btn-quiet btn-sm">{icon("trash")}<span>{labels["remove"]}</span>'
        f"{title}</button></form></div>"
    )


def item_rows(
    request, items, *, kind_icons: dict, may_edit: bool, page_number: int
) -> list[SafeString]:
    """The items of a page of a plan as ``partials/_item_row.html`` renders
    them, kept (see the module's text), with the owner's controls when
    ``may_edit``; one cache round trip, a second only to keep new rows."""
    items = list(items)
    if not items:
        return []
    today = timezone.localdate()
    facts = (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        release_digest((ITEM_TEMPLATE,), icons=True),
    )
    keys = [_key(item, today, facts) for item in items]
    found = cache.get_many(keys)
    if len(found) < len(keys):
        template = get_template(ITEM_TEMPLATE)
        fresh = {}
        for item, key in zip(items, keys, strict=True):
            if key in found:
                continue
            item.kind_icon = kind_icons.get(item.kind)
            html = template.render(
                {
                    "item": item,
                    "today": today,
                    "controls_slot": mark_safe(CONTROLS_SLOT),  # noqa: S308
                }
            )
            fresh[key] = (html, _urls(item))
        cache.set_many(fresh, TIMEOUT)
        found.update(fresh)
    labels = {
        "done": escape(gettext("Mark done")),
        "undone": escape(gettext("Not done yet")),
        "edit": escape(gettext("Edit")),
        "remove": escape(gettext("Remove")),
    }
    token = escape(get_token(request)) if may_edit else ""
    shown = []
    for item, key in zip(items, keys, strict=True):
        html, urls = found[key]
        controls = (
            _controls(item, urls, token=token, page_number=page_number, labels=labels)
            if may_edit
            else ""
        )
        # Our own template's output: member text in it was escaped.
        shown.append(mark_safe(html.replace(CONTROLS_SLOT, controls, 1)))  # noqa: S308
    return shown


def criteria(plan) -> tuple[SafeString, int]:
    """The plan's criteria as ``partials/_criteria.html`` renders them, and
    how many are gaps: kept (see the module's text) or counted and kept."""
    key = kept_key(
        "growth",
        "criteria",
        (
            plan.pk,
            plan.target_id,
            plan.owner_id,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            release_digest((CRITERIA_TEMPLATE,), icons=True),
        ),
    )
    version_key = EVIDENCE_KEY.format(plan.owner_id)
    found = cache.get_many([key, version_key])
    kept = found.get(key)
    if kept is not None and kept[0] == found.get(version_key):
        # Our own template's output: member text in it was escaped.
        return mark_safe(kept[1]), kept[2]  # noqa: S308
    # The version is read before the evidence, so that a change committed
    # meanwhile leaves what is kept behind it.
    version = generations([version_key])[version_key]
    states = selectors.plan_progress(plan)
    html = get_template(CRITERIA_TEMPLATE).render({"plan": plan, "states": states})
    gaps = sum(1 for state in states if state.is_gap)
    cache.set(key, (version, html, gaps), TIMEOUT)
    return mark_safe(html), gaps  # noqa: S308
