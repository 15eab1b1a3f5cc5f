"""Members' public profiles and blog posts in the sitemap."""

from accounts import selectors_public
from community.sitemaps import PublicSitemap


class ProfileSitemap(PublicSitemap):
    lastmod_field = "updated_at"

    def items(self):
        return selectors_public.profiles_for_sitemap()


class BlogPostSitemap(PublicSitemap):
    lastmod_field = "updated_at"

    def items(self):
        return selectors_public.posts_for_sitemap()
