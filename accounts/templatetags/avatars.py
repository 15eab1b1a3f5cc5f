"""What ``accounts/partials/_avatar.html`` asks: the picture's addresses, the
initials and their colour. No query and no look at the storage."""

from django import template

from accounts import avatars

register = template.Library()


@register.simple_tag
def avatar_sources(profile, size) -> dict[str, str]:
    """``{% avatar_sources profile 48 as sources %}``: ``sources.src`` and
    ``sources.srcset`` (empty for a picture uploaded before the copies)."""
    return avatars.avatar_sources(
        profile.avatar.name, int(size), profile.avatar.storage
    )


@register.filter
def avatar_initials(name: str) -> str:
    return avatars.initials(str(name))


@register.filter
def avatar_tone(user_id) -> int:
    return avatars.tone(user_id)
