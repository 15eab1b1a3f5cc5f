from django.urls import path

from growth import views, views_mentor, views_portfolio

app_name = "growth"

# Under /my-path/. The mentor's pages, the history and the portfolio follow
# the plan's own (``views_mentor``, ``views_portfolio``).
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.plan, name="plan"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/close/", views.plan_close, name="plan_close"),
    path("<int:pk>/items/add/", views.item_add, name="item_add"),
    path("<int:pk>/items/<int:item>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item>/done/", views.item_done, name="item_done"),
    path("<int:pk>/items/<int:item>/remove/", views.item_remove, name="item_remove"),
    path("<int:pk>/gaps/", views.gaps, name="gaps"),
    path("<int:pk>/evidence/", views.evidence, name="evidence"),
    path("<int:pk>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/evidence/refresh/", views.evidence_refresh, name="evidence_refresh"),
    path("<int:pk>/evidence/<int:ev>/edit/", views.evidence_edit, name="evidence_edit"),
    path(
        "<int:pk>/evidence/<int:ev>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path(
        "<int:pk>/evidence/<int:ev>/confirm/",
        views.evidence_confirm,
        name="evidence_confirm",
    ),
    path("<int:pk>/evidence/<int:ev>/file/", views.evidence_file, name="evidence_file"),
    # The mentor, the comments, the history (views_mentor).
    path("<int:pk>/mentor/", views_mentor.mentor, name="mentor"),
    path("<int:pk>/comments/", views_mentor.comment_add, name="comment_add"),
    path("<int:pk>/history/", views_mentor.history, name="history"),
    path(
        "mentoring/<int:pk>/answer/",
        views_mentor.mentoring_answer,
        name="mentoring_answer",
    ),
    path(
        "mentoring/<int:pk>/leave/",
        views_mentor.mentoring_leave,
        name="mentoring_leave",
    ),
    # The attestation portfolio (views_portfolio).
    path("<int:pk>/portfolio/", views_portfolio.portfolio, name="portfolio"),
    path(
        "<int:pk>/portfolio.pdf",
        views_portfolio.portfolio_download,
        name="portfolio_pdf",
    ),
]
