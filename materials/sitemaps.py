"""Materials in the sitemap: published and not hidden."""

from community.sitemaps import PublicSitemap
from materials import selectors_public


class MaterialSitemap(PublicSitemap):
    lastmod_field = "updated_at"

    def items(self):
        return selectors_public.materials_for_sitemap()
