"""Courses in the sitemap: published and not hidden."""

from community.sitemaps import PublicSitemap
from courses import selectors_public


class CourseSitemap(PublicSitemap):
    lastmod_field = "updated_at"

    def items(self):
        return selectors_public.courses_for_sitemap()
