from django.urls import path

from materials import views, views_review, views_takedown
from materials.feeds import MaterialFeed

app_name = "materials"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.create, name="create"),
    path("feed/rss/", MaterialFeed(), name="feed_rss"),
    path("feed/atom/", MaterialFeed(atom=True), name="feed_atom"),
    path("mine/", views.mine, name="mine"),
    path("collections/", views.collections, name="collections"),
    path("collections/<int:pk>/", views.collection_detail, name="collection"),
    path(
        "collections/<int:pk>/delete/",
        views.collection_delete,
        name="collection_delete",
    ),
    path("reviews/", views_review.queue, name="review_queue"),
    path("reviews/<int:pk>/take/", views_review.take, name="review_take"),
    path("reviews/a/<int:pk>/", views_review.write, name="review_write"),
    path("<int:pk>/review/submit/", views_review.submit, name="review_submit"),
    path("<int:pk>/review/withdraw/", views_review.withdraw, name="review_withdraw"),
    path("<int:pk>/", views.detail, name="detail"),
    path(
        "<int:pk>/copyright/",
        views_takedown.request_takedown,
        name="takedown",
    ),
    path(
        "copyright/<int:pk>/answer/",
        views_takedown.answer,
        name="takedown_answer",
    ),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/version/", views.version_add, name="version_add"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/collect/", views.collection_item, name="collect"),
    path("<int:pk>/files/<int:file_pk>/", views.download, name="download"),
]
