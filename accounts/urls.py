from django.urls import path

from accounts.views import (
    account,
    blog,
    devices,
    portfolio,
    profile,
    relations,
    welcome,
)

app_name = "accounts"

urlpatterns = [
    # Where a new member starts, right after confirming the address.
    path("welcome/", welcome.welcome, name="welcome"),
    # The directory and the member's own settings.
    path("members/", profile.directory, name="directory"),
    path(
        "members/mention-suggest/",
        profile.mention_suggest,
        name="mention_suggest",
    ),
    path("settings/profile/", profile.settings_profile, name="settings_profile"),
    path("settings/avatar/", profile.avatar_upload, name="avatar_upload"),
    path("settings/avatar/remove/", profile.avatar_remove, name="avatar_remove"),
    path("settings/privacy/", profile.settings_privacy, name="settings_privacy"),
    path(
        "settings/notifications/",
        account.settings_notifications,
        name="settings_notifications",
    ),
    path("settings/devices/", devices.settings_devices, name="settings_devices"),
    path("settings/devices/add/", devices.device_add, name="device_add"),
    path(
        "settings/devices/<int:pk>/remove/",
        devices.device_remove,
        name="device_remove",
    ),
    path("settings/blocked/", relations.blocked_list, name="blocked_list"),
    path("settings/account/", account.settings_account, name="settings_account"),
    path("settings/account/export/", account.account_export, name="account_export"),
    path("settings/account/delete/", account.account_delete, name="account_delete"),
    path("bookmarks/", relations.bookmark_list, name="bookmarks"),
    path("bookmarks/toggle/", relations.bookmark_toggle, name="bookmark_toggle"),
    path("blog/new/", blog.post_create, name="post_create"),
    # A member's personal space.
    path("u/<str:username>/", profile.profile_detail, name="profile"),
    path("u/<str:username>/follow/", relations.follow_toggle, name="follow_toggle"),
    path("u/<str:username>/block/", relations.block_toggle, name="block_toggle"),
    path("u/<str:username>/followers/", relations.follower_list, name="followers"),
    path("u/<str:username>/following/", relations.following_list, name="following"),
    path("u/<str:username>/portfolio/", portfolio.portfolio, name="portfolio"),
    path(
        "u/<str:username>/portfolio/print/",
        portfolio.portfolio_print,
        name="portfolio_print",
    ),
    path("u/<str:username>/blog/", blog.post_list, name="blog"),
    path("u/<str:username>/blog/<slug:slug>/", blog.post_detail, name="post_detail"),
    path("u/<str:username>/blog/<slug:slug>/edit/", blog.post_edit, name="post_edit"),
    path(
        "u/<str:username>/blog/<slug:slug>/publish/",
        blog.post_publish,
        name="post_publish",
    ),
    path(
        "u/<str:username>/blog/<slug:slug>/comments-toggle/",
        blog.post_comments_toggle,
        name="post_comments_toggle",
    ),
    path(
        "u/<str:username>/blog/<slug:slug>/delete/",
        blog.post_delete,
        name="post_delete",
    ),
    path(
        "u/<str:username>/blog/<slug:slug>/comments/",
        blog.comment_create,
        name="comment_create",
    ),
    path(
        "u/<str:username>/blog/<slug:slug>/comments/<int:pk>/delete/",
        blog.comment_delete,
        name="comment_delete",
    ),
]
