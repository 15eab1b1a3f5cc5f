"""Contests and network projects in the sitemap: what everyone may read."""

from community.sitemaps import PublicSitemap
from contests import selectors_public


class ContestSitemap(PublicSitemap):
    """Announced or finished contests, not hidden."""

    lastmod_field = "updated_at"

    def items(self):
        return selectors_public.contests_for_sitemap()


class ProjectSitemap(PublicSitemap):
    """Network projects past their draft, not hidden."""

    lastmod_field = "updated_at"

    def items(self):
        return selectors_public.projects_for_sitemap()
