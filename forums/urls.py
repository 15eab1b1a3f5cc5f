from django.urls import path

from forums import views
from forums.feeds import SectionFeed

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("questions/unanswered/", views.unanswered, name="unanswered"),
    path("new/", views.new_topics, name="new"),
    path("new/read/", views.new_mark_read, name="new_mark_read"),
    path("tag/<str:slug>/", views.tag_detail, name="tag"),
    path("tag/<str:slug>/watch/", views.tag_watch, name="tag_watch"),
    path("s/<slug:slug>/", views.section_detail, name="section"),
    path("s/<slug:slug>/feed/rss/", SectionFeed(), name="section_feed_rss"),
    path("s/<slug:slug>/feed/atom/", SectionFeed(atom=True), name="section_feed_atom"),
    path("s/<slug:slug>/new/", views.topic_create, name="topic_create"),
    path("s/<slug:slug>/read/", views.section_mark_read, name="section_mark_read"),
    path("s/<slug:slug>/watch/", views.section_watch, name="section_watch"),
    path("s/<slug:slug>/reports/", views.section_reports, name="section_reports"),
    path("t/<int:pk>/", views.topic_detail, name="topic"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("t/<int:pk>/watch/", views.topic_watch, name="topic_watch"),
    path("t/<int:pk>/move/", views.topic_move, name="topic_move"),
    path("t/<int:pk>/merge/", views.topic_merge, name="topic_merge"),
    path("t/<int:pk>/split/", views.topic_split, name="topic_split"),
    path("p/<int:pk>/", views.post_permalink, name="post"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:pk>/hide/", views.post_hide, name="post_hide"),
    path("p/<int:pk>/review/", views.post_review, name="post_review"),
    path("p/<int:pk>/accept/", views.answer_accept, name="answer_accept"),
    path("p/<int:pk>/react/", views.react, name="react"),
]
