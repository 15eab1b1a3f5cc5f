"""What search engines and feed readers read: robots.txt and the sitemap.

The feeds themselves are ``community.feeds.EntryFeed`` views, wired in the
URL configurations next to the pages they follow.
"""

from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from community import sitemaps
from community.feeds import absolute_url


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "robots.txt",
        {"sitemap_url": absolute_url(reverse("sitemap_index"))},
        content_type="text/plain; charset=utf-8",
    )


@require_GET
@sitemap_views.x_robots_tag
def sitemap_index(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": sitemaps.sitemap_index_items()},
        content_type="application/xml",
    )


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    # Django's view: pages with ?p=, a 404 for an unknown section or page.
    return sitemap_views.sitemap(request, sitemaps=sitemaps.sitemaps(), section=section)
