"""A conversation's messages, rendered once and kept in the cache.

The way a blog post keeps its comments (``accounts.blog_fragments``): a page
of a conversation's messages looks the same to each of its participants, so
its rendered messages are kept under the conversation, the page's range of
numbers (a participant who left reads a shorter last page: another range),
the language, the time zone and the templates, with the version of the
conversation's messages (``changes.MESSAGES_KEY``, which
``changes.message_changed`` moves when one is edited, deleted, hidden or
shown again) and of each author's and named member's card
(``community.cards``: names, pictures, chosen badges). While all still
match, the page reads no message at all. A new message changes the range of
the page it lands on; the pages before it show the same.

The kept part is read only after the page's own checks: the viewer is a
participant (``selectors_conversation.conversation_get``) and the range is
what they may read (``message_page_get``).

What differs per participant is left out of the kept HTML and put in per
request where the markers are (member text cannot carry them: message
bodies come from ``community.markdown.render_markdown``, whose output has no
HTML comment):

- ``NEW_SLOT``: «новое» on a message the viewer has not read;
- ``CONTROLS_SLOT``: edit, delete (a form with the viewer's CSRF token) and
  report, as the view's predicates decide.

A member whose profile a moderator hid sees their own picture where others
do not: a page with their message is built for them each time.

**The inbox's rows** (``inbox_rows``) are kept the same way, each for its
member alone: under the member's row in the conversation (their
``Participant``, which only their own inbox reads), its subject and marks,
the others in it, the last message they may read (when, by whom), the day
and the facts above, with the cards of the names and pictures it shows.
What the member's own state decides — unread (the bar, «N новых
сообщений»), a request, left or removed, muted — goes in per request.

**The empty reply form's fields** (``reply_fields``: the Markdown editor,
the same for every participant of every conversation; its CSRF token is in
the page's own ``<form>``) are kept under the language, their templates'
text and the form's own fields; a form sent back with an error is rendered
each time.
"""

import hashlib
from dataclasses import dataclass, field, replace

import django
from django.core.cache import cache
from django.core.paginator import Page
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from community.cards import CARD_KEY, EVERYONE_KEY, card_versions, cards_unchanged
from community.generations import generations
from community.releases import kept_key, kept_still, key_value, release_digest
from community.templatetags.icons import icon
from conversations import selectors as inbox_selectors
from conversations import selectors_conversation as selectors
from conversations.changes import MESSAGES_KEY
from conversations.models import Conversation, Message

MESSAGE_TEMPLATE = "conversations/partials/_message.html"
TEMPLATES = (MESSAGE_TEMPLATE, "accounts/partials/_avatar.html")
NEW_SLOT = "<!--message-new-->"
CONTROLS_SLOT = "<!--message-controls-->"
ROW_TEMPLATE = "conversations/partials/_conversation_row.html"
ROW_TEMPLATES = (ROW_TEMPLATE, "accounts/partials/_avatar.html")
REPLY_TEMPLATES = (
    "partials/form_fields.html",
    "partials/required_legend.html",
    "partials/components/form_row.html",
    "community/widgets/markdown_editor.html",
)
UNREAD_SLOT = "<!--row-unread-->"
MARKS_SLOT = "<!--row-marks-->"
ROW_NEW_SLOT = "<!--row-new-->"
TIMEOUT = 10 * 60


@dataclass
class KeptMessage:
    """What the page reads of a message besides its HTML: the predicates'
    fields (``permissions.can_edit_message``, the view's report and «new»
    rules) and its addresses, escaped."""

    pk: int
    number: int
    kind: str
    author_id: int | None
    deleted_at: object
    is_hidden: bool
    edit_url: str
    delete_url: str
    report_url: str
    html: str
    # Set by the view for its viewer.
    may_edit: bool = False
    may_delete: bool = False
    may_report: bool = False
    is_new: bool = False


@dataclass(frozen=True)
class _Block:
    messages: list[KeptMessage]
    # Authors whose own view differs (a hidden profile's picture).
    own_view: frozenset[int]
    version: int | None = None
    cards: dict = field(default_factory=dict)


def _block_key(conversation: Conversation, page: Page) -> str:
    numbers = page.object_list
    facts = (
        conversation.pk,
        numbers[0],
        numbers[-1],
        translation.get_language(),
        timezone.get_current_timezone_name(),
        release_digest(TEMPLATES),
    )
    digest = hashlib.blake2b(repr(facts).encode(), digest_size=16).hexdigest()
    # "v1": the shape of _Block; a new shape needs a new name.
    return f"conversations:messages-page:v1:{digest}"


def _build(rows: list[Message], viewer) -> _Block:
    template = get_template(MESSAGE_TEMPLATE)
    slots = {
        "new_slot": mark_safe(NEW_SLOT),  # noqa: S308 (a constant)
        "controls_slot": mark_safe(CONTROLS_SLOT),  # noqa: S308 (a constant)
    }
    kept, own_view = [], set()
    for row in rows:
        author = row.author
        profile = author.profile if author is not None else None
        if (
            profile is not None
            and profile.is_hidden
            and profile.avatar
            and not profile.is_deleted
        ):
            own_view.add(row.author_id)
        mine = viewer.pk == row.author_id
        html = template.render(
            {
                "message": row,
                # Only the author's own messages show them their hidden
                # picture: such pages are not kept (``own_view``).
                "user": viewer if mine else None,
                **slots,
            }
        )
        kept.append(
            KeptMessage(
                pk=row.pk,
                number=row.number,
                kind=row.kind,
                author_id=row.author_id,
                deleted_at=row.deleted_at,
                is_hidden=row.is_hidden,
                edit_url=escape(reverse("conversations:edit", args=[row.pk])),
                delete_url=escape(reverse("conversations:delete", args=[row.pk])),
                report_url=escape(reverse("report", args=["message", row.pk])),
                html=html,
            )
        )
    return _Block(messages=kept, own_view=frozenset(own_view))


def messages_shown(request, *, conversation: Conversation, page: Page) -> list:
    """The page's messages for this participant, kept or read and rendered
    (see the module's text); the view sets each one's ``may_*`` and
    ``is_new`` before ``message_html``."""
    if not page.object_list:
        return []
    viewer = request.user
    key = _block_key(conversation, page)
    version_key = MESSAGES_KEY.format(conversation.pk)
    found = cache.get_many([key, version_key])
    block = found.get(key)
    if (
        block is not None
        and block.version == found.get(version_key)
        and viewer.pk not in block.own_view
        and cards_unchanged(block.cards)
    ):
        return block.messages
    # The versions are read before the rows, so that a change committed
    # meanwhile leaves them behind and what is kept is not used.
    version = generations([version_key])[version_key]
    rows = selectors.messages_for_page(conversation=conversation, page=page)
    cards = card_versions(
        {row.author_id for row in rows if row.author_id}
        | {row.event_user_id for row in rows if row.event_user_id}
    )
    block = _build(rows, viewer)
    if viewer.pk not in block.own_view:
        cache.set(key, replace(block, version=version, cards=cards), TIMEOUT)
    return block.messages


def messages_html(request, messages: list[KeptMessage]) -> list[SafeString]:
    """Each message's HTML with the viewer's marks and controls put in."""
    labels = {
        "new": escape(gettext("new")),
        "edit": escape(gettext("Edit")),
        "delete": escape(gettext("Delete")),
        "report": escape(gettext("Report")),
    }
    token = None
    shown = []
    for message in messages:
        new = (
            f'<span class="ui-badge ui-badge-primary">{labels["new"]}</span>'
            if message.is_new
            else ""
        )
        controls = ""
        if message.may_delete or message.may_report:
            number = f'<span class="visually-hidden"> #{message.number}</span>'
            controls = '<div class="d-flex flex-wrap gap-2 mt-2">'
            if message.may_edit:
                controls += (
                    f'<a class="btn btn-outline-secondary btn-sm" '
                    f'href="{message.edit_url}">{labels["edit"]}{number}</a>'
                )
            if message.may_delete:
                if token is None:
                    token = escape(get_token(request))
                controls += (
                    f'<form method="post" action="{message.delete_url}">'
                    f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                    f'<button type="submit" class="btn btn-outline-danger btn-sm">'
                    f"{labels['delete']}{number}</button></form>"
                )
            if message.may_report:
                controls += (
                    f'<a class="btn btn-link btn-sm text-body-secondary" '
                    f'href="{message.report_url}">{labels["report"]}{number}</a>'
                )
            controls += "</div>"
        html = message.html.replace(NEW_SLOT, new, 1).replace(
            CONTROLS_SLOT, controls, 1
        )
        # Our own template's output: member text in it was sanitised or escaped.
        shown.append(mark_safe(html))  # noqa: S308
    return shown


# --- The inbox's rows ---------------------------------------------------------------


def _row_cards(row, viewer) -> list[str]:
    """The cards a row shows: the others' (names, the first one's picture,
    the last message's author), or the member's own picture alone."""
    people = [other.user_id for other in row.conversation.others] or [viewer.pk]
    return [EVERYONE_KEY, *(CARD_KEY.format(pk) for pk in people)]


def _row_key(row, viewer, facts: tuple) -> str:
    conversation = row.conversation
    return kept_key(
        "conversations",
        "inbox-row",
        (
            row.pk,
            viewer.pk,
            conversation.pk,
            conversation.subject,
            conversation.is_sensitive,
            conversation.is_question,
            tuple(other.user_id for other in conversation.others),
            key_value(row.last_at),
            row.last_author_id,
            facts,
        ),
    )


def _row_marks(row) -> tuple[str, str, str]:
    """The member's own state in a row: the unread class, the marks after
    the subject (a request, left or removed, muted), «N новых сообщений»."""
    marks = ""
    if row.status == "request":
        text = escape(gettext("message request"))
        marks += (
            '<span class="ui-badge ui-badge-warning">'
            f"{icon('envelope-exclamation')}{text}</span>"
        )
    if row.status == "left":
        text = escape(gettext("you left"))
        marks += f'<span class="ui-badge">{icon("box-arrow-right")}{text}</span>'
    elif row.status == "removed":
        text = escape(gettext("you were removed"))
        marks += f'<span class="ui-badge">{icon("person-x")}{text}</span>'
    if row.is_muted:
        text = escape(gettext("notifications off"))
        marks += f'<span class="ui-badge">{icon("bell-slash")}{text}</span>'
    if not row.new_count:
        return "", marks, ""
    count = row.new_count
    text = ngettext("%(counter)s new message", "%(counter)s new messages", count) % {
        "counter": count
    }
    new = (
        f'<span class="ui-badge ui-badge-primary">{icon("circle-fill")}'
        f"{escape(text)}</span>"
    )
    return " ui-row-unread", marks, new


def inbox_rows(request, rows) -> list[SafeString]:
    """A page of the member's inbox (``selectors.inbox`` marked by
    ``selectors.inbox_mark_new``) as ``partials/_conversation_row.html``
    renders it: each row kept for the member (see the module's text), one
    cache round trip, a second only to keep new renderings."""
    viewer = request.user
    rows = list(rows)
    if not rows:
        return []
    facts = (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        # A message of today shows its time, of yesterday «вчера».
        timezone.localdate().isoformat(),
        release_digest(ROW_TEMPLATES, icons=True),
    )
    keys = [_row_key(row, viewer, facts) for row in rows]
    cards = sorted({card for row in rows for card in _row_cards(row, viewer)})
    found = cache.get_many([*keys, *cards])
    html = {}
    for row_key in keys:
        kept = found.get(row_key)
        if kept_still(kept, found):
            html[row_key] = kept[1]
    if len(html) < len(keys):
        # The cards' versions are read before the names and pictures: a
        # change committed meanwhile leaves the rendering behind them.
        found.update(generations([card for card in cards if card not in found]))
        missing = [
            row for row, row_key in zip(rows, keys, strict=True) if row_key not in html
        ]
        users = inbox_selectors.users_of(
            {other.user_id for row in missing for other in row.conversation.others}
        )
        for row in missing:
            for other in row.conversation.others:
                if other.user_id in users:
                    other.user = users[other.user_id]
        template = get_template(ROW_TEMPLATE)
        slots = {
            "unread_slot": mark_safe(UNREAD_SLOT),  # noqa: S308 (a constant)
            "marks_slot": mark_safe(MARKS_SLOT),  # noqa: S308 (a constant)
            "new_slot": mark_safe(ROW_NEW_SLOT),  # noqa: S308 (a constant)
        }
        fresh = {}
        for row, row_key in zip(rows, keys, strict=True):
            if row_key in html:
                continue
            rendered = template.render({"row": row, "user": viewer, **slots})
            html[row_key] = rendered
            fresh[row_key] = (
                tuple((card, found[card]) for card in _row_cards(row, viewer)),
                rendered,
            )
        cache.set_many(fresh, TIMEOUT)
    shown = []
    for row, row_key in zip(rows, keys, strict=True):
        unread, marks, new = _row_marks(row)
        text = (
            html[row_key]
            .replace(UNREAD_SLOT, unread, 1)
            .replace(MARKS_SLOT, marks, 1)
            .replace(ROW_NEW_SLOT, new, 1)
        )
        # Our own template's output: member text in it was escaped.
        shown.append(mark_safe(text))  # noqa: S308
    return shown


# --- The reply form -------------------------------------------------------------------


def reply_fields(form) -> SafeString:
    """``partials/form_fields.html`` of the page's reply form: kept while it
    is empty (see the module's text), rendered when it comes back bound."""
    if form.is_bound:
        return render_to_string("partials/form_fields.html", {"form": form})
    shape = tuple(
        (
            name,
            str(each.label),
            str(each.help_text),
            each.required,
            each.max_length,
            type(each.widget).__name__,
            sorted(each.widget.attrs.items()),
        )
        for name, each in form.fields.items()
    )
    key = kept_key(
        "conversations",
        "reply-fields",
        (
            shape,
            translation.get_language(),
            django.get_version(),
            release_digest(REPLY_TEMPLATES, icons=True),
        ),
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string("partials/form_fields.html", {"form": form})
        cache.set(key, html, 24 * 60 * 60)
    # Our own templates' output, no member text in it.
    return mark_safe(html)  # noqa: S308
