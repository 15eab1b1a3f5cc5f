"""Consultation lines, mounted at ``lines/`` (``community/urls.py``)."""

from django.urls import path

from conversations import views_lines

app_name = "lines"

urlpatterns = [
    path("", views_lines.line_list, name="list"),
    path("new/", views_lines.line_create, name="create"),
    path("questions/<int:pk>/take/", views_lines.question_take, name="question_take"),
    path(
        "questions/<int:pk>/hand-over/",
        views_lines.question_hand_over,
        name="question_hand_over",
    ),
    path(
        "questions/<int:pk>/withdraw/",
        views_lines.question_withdraw,
        name="question_withdraw",
    ),
    path("<slug:slug>/", views_lines.line_detail, name="detail"),
    path("<slug:slug>/edit/", views_lines.line_edit, name="edit"),
    path("<slug:slug>/ask/", views_lines.line_ask, name="ask"),
]
