"""The learner's, the author's, the expert's and the export addresses.

Included from ``courses.urls`` before ``<slug:slug>/``: only addresses under a
fixed prefix (``reviews/``, ``rounds/``, ``certificates/``) or with more than
one segment after a course's slug.
"""

from django.urls import path

from courses import views_export, views_learning, views_review

urlpatterns = [
    # Experts and moderators.
    path("reviews/experts/", views_review.review_queue, name="review_queue"),
    path("reviews/rounds/<int:pk>/take/", views_review.review_take, name="review_take"),
    path("reviews/<int:pk>/", views_review.review_write, name="review_write"),
    path("rounds/<int:pk>/decide/", views_review.review_decide, name="review_decide"),
    path(
        "rounds/<int:pk>/withdraw/",
        views_review.review_withdraw,
        name="review_withdraw",
    ),
    # The holder's certificate.
    path("certificates/<int:pk>.pdf", views_learning.certificate, name="certificate"),
    # A course's units, for its learners.
    path("<slug:slug>/units/<int:pk>/", views_learning.unit, name="unit"),
    path(
        "<slug:slug>/units/<int:pk>/done/", views_learning.unit_done, name="unit_done"
    ),
    path(
        "<slug:slug>/units/<int:pk>/open/", views_learning.unit_open, name="unit_open"
    ),
    path(
        "<slug:slug>/units/<int:pk>/answer/",
        views_learning.unit_answer,
        name="unit_answer",
    ),
    path(
        "<slug:slug>/units/<int:pk>/submit/",
        views_learning.submission_submit,
        name="submission_submit",
    ),
    # Peer review and the authors' decisions.
    path("<slug:slug>/reviews/", views_learning.peer_queue, name="peer_queue"),
    path("<slug:slug>/submissions/", views_learning.submissions, name="submissions"),
    path(
        "<slug:slug>/submissions/<int:pk>/",
        views_learning.submission,
        name="submission",
    ),
    path(
        "<slug:slug>/submissions/<int:pk>/review/",
        views_learning.peer_review,
        name="peer_review",
    ),
    path(
        "<slug:slug>/submissions/<int:pk>/decide/",
        views_learning.submission_decide,
        name="submission_decide",
    ),
    path(
        "<slug:slug>/submissions/<int:pk>/file/",
        views_learning.submission_file,
        name="submission_file",
    ),
    # The authors' view of the learners.
    path("<slug:slug>/learners/", views_learning.learners, name="learners"),
    path(
        "<slug:slug>/learners/<int:enrolment_pk>/accept/",
        views_learning.accept,
        name="accept",
    ),
    # Review rounds, for the authors.
    path("<slug:slug>/rounds/", views_review.rounds, name="rounds"),
    # For a partner organisation.
    path("<slug:slug>/programme/", views_export.programme, name="programme"),
    path("<slug:slug>/programme.pdf", views_export.programme_pdf, name="programme_pdf"),
    path(
        "<slug:slug>/completions.csv",
        views_export.completions_csv,
        name="completions_csv",
    ),
]
