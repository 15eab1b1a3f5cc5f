"""Master-classes in the sitemap: published and finished, not hidden."""

from community.sitemaps import PublicSitemap
from masterclasses import selectors_public


class MasterClassSitemap(PublicSitemap):
    lastmod_field = "updated_at"

    def items(self):
        return selectors_public.masterclasses_for_sitemap()
