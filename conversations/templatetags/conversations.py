"""``{% write_refusal_reason member as why %}``: why the viewer may not start
a conversation with a member, in words, for the «Написать» place of a profile."""

from django import template

from conversations.permissions import WRITE_REFUSALS, write_refusal

register = template.Library()


@register.simple_tag(takes_context=True)
def write_refusal_reason(context: template.Context, other) -> str:
    """The reason (``permissions.WRITE_REFUSALS``), or "" when the viewer
    may write, is not signed in, or is ``other``."""
    user = context["request"].user
    if not user.is_authenticated:
        return ""
    code = write_refusal(user, other)
    return "" if code in ("", "self") else str(WRITE_REFUSALS[code])
