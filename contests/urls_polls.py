"""``/polls/``: polls on forum topics."""

from django.urls import path

from contests import views_polls as views

app_name = "polls"

urlpatterns = [
    path("new/<int:topic_pk>/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/unvote/", views.unvote, name="unvote"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/voters/", views.voters, name="voters"),
]
