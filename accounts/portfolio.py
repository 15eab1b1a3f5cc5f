"""The portfolio: a member's record of work on the site, one section per app.

Each app registers its sections in ``AppConfig.ready()``; an app that is not
installed simply contributes nothing. Each ``items`` callable must run a fixed
number of queries, whatever the member has done; sections of one app that
list the same rows read them once between them (``circles``: the communities
a member founded and those they moderate). A section whose rows not every
reader may see (a community's) registers ``with_viewer=True`` and is given
the viewer too: ``items(user, viewer)``. A section most members have nothing
in may say so with ``held``: a subquery (given the member's id as an
``OuterRef``) that the page's own profile query asks (``portfolio_held``), so
an empty section costs the page no query.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
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
    items: Callable[..., list[PortfolioItem]]
    # ``items(user, viewer)``: only what the viewer may see of the member's work.
    with_viewer: bool = False
    # ``held(user_id)``: an ``Exists`` whether the member has anything in it.
    held: Callable[[object], object] | None = None


_sections: Registry[str, PortfolioSection] = Registry()


def portfolio_section_register(
    *,
    key: str,
    title: Promise,
    order: int,
    items: Callable[..., list[PortfolioItem]],
    with_viewer: bool = False,
    held: Callable[[object], object] | None = None,
) -> None:
    """Add a section; registering the same key again replaces it, and
    ``manage.py check`` reports the key (``community.checks``)."""
    _sections.register(
        key, PortfolioSection(key, title, order, items, with_viewer, held)
    )


def _held_name(key: str) -> str:
    return f"portfolio_held_{key}"


def portfolio_held(user_id) -> dict[str, object]:
    """Annotations for the member's profile query: whether each section with
    a ``held`` subquery has anything (``user_id``: an ``OuterRef``)."""
    return {
        _held_name(section.key): section.held(user_id)
        for section in _sections.values()
        if section.held is not None
    }


def portfolio_for(
    user, viewer=None, *, profile=None
) -> list[tuple[PortfolioSection, list[PortfolioItem]]]:
    """The member's sections in order, leaving out those with nothing in them;
    ``viewer`` (a visitor when None) is given to the sections that ask. A
    ``profile`` read with ``portfolio_held`` tells which sections are empty:
    they are not read."""
    if viewer is None:
        viewer = AnonymousUser()
    filled = []
    for section in sorted(_sections.values(), key=lambda item: item.order):
        if getattr(profile, _held_name(section.key), True) is False:
            continue
        if section.with_viewer:
            items = section.items(user, viewer)
        else:
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
