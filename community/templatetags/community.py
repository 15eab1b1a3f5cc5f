import datetime

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from community.embeds import embed_placeholder, providers_listed
from community.markdown import render_markdown
from community.vocabulary import time_zone_label

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render Markdown through the one sanitising renderer.

    For texts we write (help pages, e-mails). Member texts are rendered once,
    when saved, by their service, and shown from the stored HTML. A page being
    sent asks for no embed's title or picture: no write on a GET.
    """
    html = render_markdown(text, request_previews=False)
    return mark_safe(html)  # noqa: S308 - nh3 has sanitised it


@register.simple_tag(name="embed_card")
def embed_card(url: str) -> SafeString:
    """``{% embed_card url as card %}``: a link we keep apart from Markdown (a
    master-class's recording) as a card's placeholder, filled in when the
    page is sent (``community.embeds``); "" when no listed service knows it."""
    placeholder = embed_placeholder(url or "")
    return mark_safe(placeholder or "")  # noqa: S308 - format_html escaped it


@register.simple_tag(name="embed_providers")
def embed_providers() -> list[tuple[str, bool]]:
    """``{% embed_providers as providers %}``: every embedding service's name
    and whether its players are shown (the privacy page)."""
    return providers_listed()


@register.filter(name="time_zone_label")
def time_zone_label_filter(name: str, at: datetime.datetime | None = None) -> str:
    """``{{ zone_name|time_zone_label }}``: «московское время», «МСК+2», "UTC+1"."""
    return time_zone_label(name, at if isinstance(at, datetime.datetime) else None)


@register.filter
def datetime_attr(value: datetime.date | None) -> str:
    """A date or a moment as ``<time datetime>`` takes it: ISO 8601 in the
    current time zone, in whole seconds (HTML allows three fractional digits
    at most; the database keeps six)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (None drops one)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def can(context: template.Context, predicate: str, *args: object) -> bool:
    """Ask a permission predicate from a template.

    ``{% can "accounts.can_edit_post" post as may_edit %}`` calls
    ``accounts.permissions.can_edit_post(request.user, post)``.
    """
    app, _dot, name = predicate.partition(".")
    if not name.startswith("can_"):
        raise template.TemplateSyntaxError(f"{predicate!r} is not a can_* predicate")
    function = import_string(f"{app}.permissions.{name}")
    return function(context["request"].user, *args)


@register.inclusion_tag("admin/partials/inbox.html", takes_context=True)
def moderation_inbox(context) -> dict:
    """The moderation inbox for the admin index: what waits, and where."""
    from community.inbox import inbox_for

    return {"rows": inbox_for(context["request"].user)}
