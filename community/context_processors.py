from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from community.navigation import member_links, nav_sections
from community.sanctions import is_restricted, restriction_in_force, warnings_unread
from community.selectors import NOTIFICATIONS, unread_counts
from community.text_size import text_size_of


def site(request: HttpRequest) -> dict:
    sections = nav_sections()
    context = {
        "nav_sections": sections,
        # The section whose own page this is, marked in the bar ("" elsewhere).
        "nav_current": next(
            (item.url for item in sections if item.url == request.path), ""
        ),
        # A class on every page's <html> (the admin's <body>): no query.
        "text_size": text_size_of(request),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # The member's own pages, in her menu and her personal space.
        context["member_links"] = member_links()
        # Lazy: counted only when a template shows one (both come from one
        # cached value: one query on a miss).
        counts = SimpleLazyObject(lambda: unread_counts(user=user))
        context["unread_notifications"] = SimpleLazyObject(
            lambda: counts[NOTIFICATIONS]
        )
        context["unread_messages"] = SimpleLazyObject(lambda: counts.get("messages", 0))
        # No query unless the member is restricted or has an unread warning.
        if is_restricted(user):
            context["restriction"] = restriction_in_force(user)
        if user.has_unread_warning:
            context["warnings_unread"] = warnings_unread(user)
    return context
