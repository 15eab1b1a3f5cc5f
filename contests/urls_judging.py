"""The jury's, the results' and the diplomas' addresses (namespace
"contests", included by ``contests.urls`` after the contests' own): each
under a contest's slug with a fixed segment after it, or under
``diplomas/``."""

from django.urls import path

from contests import views_judging as views

patterns: list = [
    path("diplomas/<int:pk>.pdf", views.diploma_pdf, name="diploma_pdf"),
    path("<slug:slug>/jury/", views.jury, name="jury"),
    path("<slug:slug>/jury/join/", views.jury_join, name="jury_join"),
    path("<slug:slug>/jury/<int:pk>/remove/", views.jury_remove, name="jury_remove"),
    path("<slug:slug>/judging/", views.judging_queue, name="judging"),
    path("<slug:slug>/judging/<int:pk>/", views.score, name="score"),
    path(
        "<slug:slug>/judging/<int:pk>/files/<int:file_pk>/",
        views.judging_file,
        name="judging_file",
    ),
    path("<slug:slug>/finish/", views.finish, name="finish"),
    path("<slug:slug>/results/", views.results_page, name="results"),
]
