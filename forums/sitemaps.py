"""The forums' sections of the sitemap: sections and public topics."""

from community.sitemaps import PublicSitemap
from forums import selectors_public


class SectionSitemap(PublicSitemap):
    lastmod_field = "last_post_at"

    def items(self):
        return selectors_public.sections_for_sitemap()


class TopicSitemap(PublicSitemap):
    lastmod_field = "last_post_at"

    def items(self):
        return selectors_public.topics_for_sitemap()
