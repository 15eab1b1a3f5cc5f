"""The sitemap: a registry of sections that apps fill, and the index over them.

Apps register, in ``AppConfig.ready()``, a ``PublicSitemap`` subclass per
kind of page (``sitemap_register``): its ``items()`` lists only what everyone
may see and search engines may index, ordered so that Django's paging is
stable, and loads what ``location`` and ``lastmod`` read (a fixed number of
queries per page). Addresses are on ``settings.SITE_URL``, whatever host the
request came by.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.urls import reverse

from community.feeds import absolute_url
from community.registry import Registry


class PublicSitemap(Sitemap):
    # Small enough pages for a crawler's patience; Django pages with ``?p=``.
    limit = 2000
    # Subclasses with dates: the newest one across the section, in one query.
    lastmod_field: str | None = None

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def lastmod(self, item):
        if self.lastmod_field is None:
            return None
        return getattr(item, self.lastmod_field)

    def get_latest_lastmod(self):
        # Django's default reads every item; one aggregate row does.
        if self.lastmod_field is None:
            return None
        return (
            self.items()
            .exclude(**{f"{self.lastmod_field}__isnull": True})
            .order_by(f"-{self.lastmod_field}")
            .values_list(self.lastmod_field, flat=True)
            .first()
        )


@dataclass(frozen=True)
class SitemapSection:
    key: str
    sitemap: type[PublicSitemap]
    order: int


_sections: Registry[str, SitemapSection] = Registry()


def sitemap_register(*, key: str, sitemap: type[PublicSitemap], order: int) -> None:
    """Add a section to the sitemap (call from AppConfig.ready())."""
    _sections.register(key, SitemapSection(key, sitemap, order))


def sitemaps() -> dict[str, PublicSitemap]:
    """The registered sections, in order, as Django's sitemap view takes them."""
    return {
        section.key: section.sitemap()
        for section in sorted(_sections.values(), key=lambda s: (s.order, s.key))
    }


def sitemap_index_items() -> list[SitemapIndexItem]:
    """One entry per page of each section: two queries per section."""
    items = []
    for key, sitemap in sitemaps().items():
        url = absolute_url(reverse("sitemap_section", kwargs={"section": key}))
        lastmod = sitemap.get_latest_lastmod()
        items.append(SitemapIndexItem(url, lastmod))
        items += [
            SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return items
