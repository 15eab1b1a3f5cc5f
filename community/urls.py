from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from community import (
    views,
    views_certificates,
    views_design,
    views_inbox,
    views_installable,
    views_recognition,
    views_reports,
    views_search,
    views_tags,
)
from community.feeds import TagFeed
from community.views_discovery import robots_txt, sitemap_index, sitemap_section

# The admin login goes through allauth's, so that its rate limits apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Kollegi moderation")
admin.site.site_title = _("Kollegi")
admin.site.index_title = _("Moderation")

# A database or Redis that cannot be reached answers 503 with Retry-After.
handler500 = "community.views_errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # The installable site (community.installable): the worker at the root,
    # so that its scope is the whole site.
    path(
        "manifest.webmanifest",
        views_installable.manifest_webmanifest,
        name="manifest",
    ),
    path("sw.js", views_installable.service_worker, name="service_worker"),
    path("offline/", views_installable.offline, name="offline"),
    path("sitemap.xml", sitemap_index, name="sitemap_index"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap_section"),
    path("tags/<str:slug>/feed/rss/", TagFeed(), name="tag_feed_rss"),
    path("tags/<str:slug>/feed/atom/", TagFeed(atom=True), name="tag_feed_atom"),
    path("tags/suggest/", views_tags.tag_suggest, name="tag_suggest"),
    path("tags/<str:slug>/", views_tags.tag_detail, name="tag"),
    path("search/", views_search.search_page, name="search"),
    path("design/", views_design.design_components, name="design"),
    path("report/<slug:key>/<int:pk>/", views_reports.report, name="report"),
    path(
        "reports/<int:pk>/resolve/", views_reports.report_resolve, name="report_resolve"
    ),
    path("my-standing/", views_reports.standing, name="standing"),
    path(
        "my-standing/<int:pk>/read/",
        views_reports.warning_acknowledge,
        name="warning_acknowledge",
    ),
    path("badges/", views_recognition.badge_list, name="badges"),
    path("badges/mine/", views_recognition.badges_mine, name="badges_mine"),
    path("badges/<slug:key>/", views_recognition.badge_detail, name="badge"),
    path(
        "members-of-the-month/",
        views_recognition.members_of_the_month,
        name="members_of_the_month",
    ),
    path("language/", views.language_set, name="language_set"),
    path("notifications/", views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        views.notification_read_all,
        name="notification_read_all",
    ),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # markdownx's own URLs have no login check and trust the browser's file
    # type; these two replace them at the paths its widget posts to.
    path("markdownx/markdownify/", views.markdown_preview, name="markdown_preview"),
    path("markdownx/upload/", views.markdown_image_upload, name="markdown_upload"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("forums/", include("forums.urls")),
    path("materials/", include("materials.urls")),
    path("masterclasses/", include("masterclasses.urls")),
    path("communities/", include("circles.urls")),
    path("messages/", include("conversations.urls")),
    path("lines/", include("conversations.urls_lines")),
    path("courses/", include("courses.urls")),
    path("my-path/", include("growth.urls")),
    path("contests/", include("contests.urls")),
    path("projects/", include("contests.urls_projects")),
    path("polls/", include("contests.urls_polls")),
    path(
        "certificates/<str:code>/",
        views_certificates.certificate_verify,
        name="certificate_verify",
    ),
    # The inbox's queues, in the admin site's frame (before its catch-all).
    path("admin/inbox/<slug:key>/", views_inbox.inbox_queue, name="inbox_queue"),
    path(
        "admin/inbox/<slug:key>/<int:pk>/",
        views_inbox.inbox_decide,
        name="inbox_decide",
    ),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
