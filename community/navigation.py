"""The sections in the site's navigation, and the links of the member's own
menu (the header's menu under her name, and her personal space), registered
by each app in ready()."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

_sections: list[tuple[int, str, Promise]] = []
_member_links: list[tuple[int, str, Promise]] = []


@dataclass(frozen=True)
class NavItem:
    title: Promise
    url: str


def nav_register(*, url_name: str, title: Promise, order: int) -> None:
    """Add a section to the navigation (call from AppConfig.ready())."""
    entry = (order, url_name, title)
    if entry not in _sections:
        _sections.append(entry)
        _sections.sort(key=lambda item: item[0])


def nav_sections() -> list[NavItem]:
    return [
        NavItem(title=title, url=reverse(name)) for _order, name, title in _sections
    ]


def member_link_register(*, url_name: str, title: Promise, order: int) -> None:
    """Add a page of the member's own («Мой путь») to the menu under her name
    in the header and to the tabs of her personal space (call from
    AppConfig.ready())."""
    entry = (order, url_name, title)
    if entry not in _member_links:
        _member_links.append(entry)
        _member_links.sort(key=lambda item: item[0])


def member_links() -> list[NavItem]:
    return [
        NavItem(title=title, url=reverse(name)) for _order, name, title in _member_links
    ]
