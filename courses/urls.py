from django.urls import include, path

from courses import views, views_author
from courses.feeds import CourseFeed

app_name = "courses"

# Fixed addresses first (``courses.urls_learning`` holds only such before its
# course addresses), then a course's own under its slug. The slugs of courses
# never take these words (``services.RESERVED_SLUGS``).
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("mine/", views.mine, name="mine"),
    path("new/", views_author.create, name="create"),
    path("feed/", CourseFeed(), name="feed"),
    path("feed/atom/", CourseFeed(atom=True), name="feed_atom"),
    path("", include("courses.urls_learning")),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views_author.edit, name="edit"),
    path("<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("<slug:slug>/drop/", views.drop, name="drop"),
    path("<slug:slug>/submit/", views_author.submit, name="submit"),
    path("<slug:slug>/archive/", views_author.archive, name="archive"),
    path("<slug:slug>/units/", views_author.units, name="units"),
    path("<slug:slug>/units/add/", views_author.unit_add, name="unit_add"),
    path("<slug:slug>/units/<int:pk>/edit/", views_author.unit_edit, name="unit_edit"),
    path(
        "<slug:slug>/units/<int:pk>/remove/",
        views_author.unit_remove,
        name="unit_remove",
    ),
    path("<slug:slug>/units/<int:pk>/move/", views_author.unit_move, name="unit_move"),
]
