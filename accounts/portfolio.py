"""The portfolio: a member's record of work on the site, one section per app.

Each app registers its sections in ``AppConfig.ready()``; an app that is not
installed simply contributes nothing. Each ``items`` callable must run a fixed
number of queries, whatever the member has done.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from community.registry import Registry

PORTFOLIO_SECTION_LIMIT = 100


@dataclass(frozen=True)
class PortfolioItem:
    title: str
    url: str
    date: datetime.datetime | datetime.date | None = None
    detail: str = ""


@dataclass(frozen=True)
class PortfolioSection:
    key: str
    title: Promise
    order: int
    items: Callable[[object], list[PortfolioItem]]


_sections: Registry[str, PortfolioSection] = Registry()


def portfolio_section_register(
    *,
    key: str,
    title: Promise,
    order: int,
    items: Callable[[object], list[PortfolioItem]],
) -> None:
    """Add a section; registering the same key again replaces it, and
    ``manage.py check`` reports the key (``community.checks``)."""
    _sections.register(key, PortfolioSection(key, title, order, items))


def portfolio_for(user) -> list[tuple[PortfolioSection, list[PortfolioItem]]]:
    """The member's sections in order, leaving out those with nothing in them."""
    filled = []
    for section in sorted(_sections.values(), key=lambda item: item.order):
        items = section.items(user)
        if items:
            filled.append((section, items))
    return filled


def _blog_items(user) -> list[PortfolioItem]:
    from accounts.models import BlogPost

    posts = (
        BlogPost.objects.published()
        .filter(author=user)
        .select_related("author")
        .order_by("-published_at")[:PORTFOLIO_SECTION_LIMIT]
    )
    return [
        PortfolioItem(
            title=post.title, url=post.get_absolute_url(), date=post.published_at
        )
        for post in posts
    ]


def register_defaults() -> None:
    from django.utils.translation import gettext_lazy as _

    portfolio_section_register(
        key="blog", title=_("Blog posts"), order=90, items=_blog_items
    )
