"""``/contests/``: the list, a contest's page and its organiser's forms,
entries and the public vote, «Мои конкурсы» (namespace "contests").

Fixed addresses first, then a contest's own under its slug; a contest's
slug never takes these words (``services.contests.RESERVED_SLUGS``).
"""

from django.urls import path

from contests import views
from contests.feeds import OpenContestFeed

patterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create, name="new"),
    path("feed/", OpenContestFeed(), name="feed"),
    path("feed/atom/", OpenContestFeed(atom=True), name="feed_atom"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/cancel/", views.cancel, name="cancel"),
    path(
        "<slug:slug>/nominations/add/",
        views.nomination_add,
        name="nomination_add",
    ),
    path(
        "<slug:slug>/nominations/<int:pk>/edit/",
        views.nomination_edit,
        name="nomination_edit",
    ),
    path(
        "<slug:slug>/nominations/<int:pk>/remove/",
        views.nomination_remove,
        name="nomination_remove",
    ),
    path("<slug:slug>/enter/", views.entry_new, name="entry_new"),
    path("<slug:slug>/entries/<int:pk>/", views.entry, name="entry"),
    path("<slug:slug>/entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path(
        "<slug:slug>/entries/<int:pk>/withdraw/",
        views.entry_withdraw,
        name="entry_withdraw",
    ),
    path(
        "<slug:slug>/entries/<int:pk>/leave/",
        views.entry_leave,
        name="entry_leave",
    ),
    path(
        "<slug:slug>/entries/<int:pk>/disqualify/",
        views.entry_disqualify,
        name="entry_disqualify",
    ),
    path(
        "<slug:slug>/entries/<int:pk>/reinstate/",
        views.entry_reinstate,
        name="entry_reinstate",
    ),
    path("<slug:slug>/entries/<int:pk>/vote/", views.vote, name="vote"),
]
