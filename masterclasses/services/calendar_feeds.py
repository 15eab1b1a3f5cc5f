"""A member's secret calendar address."""

from masterclasses.models import CalendarFeed


def calendar_feed_for(*, user, reset: bool = False) -> CalendarFeed:
    """The member's secret calendar address as a row (a new one when ``reset``).

    Until the member asks for a new address the page shows one derived from
    the account (``selectors.calendar_feed_token``); a row replaces it.
    """
    import secrets

    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None or reset:
        token = secrets.token_urlsafe(32)
        feed, _created = CalendarFeed.objects.update_or_create(
            user=user, defaults={"token": token}
        )
    return feed
