from django import template
from django.http import QueryDict
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from community.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render Markdown through the one sanitising renderer.

    For texts we write (help pages, e-mails). Member texts are rendered once,
    when saved, by their service, and shown from the stored HTML.
    """
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 has sanitised it


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
