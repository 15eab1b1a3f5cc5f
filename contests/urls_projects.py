"""``/projects/``: network projects."""

from django.urls import path

from contests import views_projects as views

app_name = "projects"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="new"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/start/", views.start, name="start"),
    path("<slug:slug>/complete/", views.complete, name="complete"),
    path("<slug:slug>/stages/add/", views.stage_add, name="stage_add"),
    path("<slug:slug>/stages/<int:pk>/edit/", views.stage_edit, name="stage_edit"),
    path(
        "<slug:slug>/stages/<int:pk>/remove/", views.stage_remove, name="stage_remove"
    ),
    path(
        "<slug:slug>/stages/<int:pk>/submit/",
        views.result_submit,
        name="result_submit",
    ),
    path(
        "<slug:slug>/results/<int:pk>/feedback/",
        views.result_feedback,
        name="result_feedback",
    ),
    path("<slug:slug>/teams/new/", views.team_new, name="team_new"),
    path("<slug:slug>/teams/<int:pk>/join/", views.team_join, name="team_join"),
    path("<slug:slug>/teams/<int:pk>/leave/", views.team_leave, name="team_leave"),
]
