from django.urls import path

from conversations import views_conversation, views_inbox, views_moderation

app_name = "conversations"

urlpatterns = [
    path("", views_inbox.inbox, name="inbox"),
    path("new/", views_inbox.compose, name="compose"),
    path("settings/", views_inbox.message_settings, name="settings"),
    path("<int:pk>/", views_conversation.detail, name="detail"),
    path("m/<int:pk>/", views_conversation.message, name="message"),
    path("<int:pk>/reply/", views_conversation.reply, name="reply"),
    path("m/<int:pk>/edit/", views_conversation.edit, name="edit"),
    path("m/<int:pk>/delete/", views_conversation.delete, name="delete"),
    path("<int:pk>/members/", views_conversation.members_add, name="members_add"),
    path("<int:pk>/leave/", views_conversation.leave, name="leave"),
    path("<int:pk>/remove/<int:user_id>/", views_conversation.remove, name="remove"),
    path("<int:pk>/mute/", views_conversation.mute, name="mute"),
    path("<int:pk>/archive/", views_conversation.archive, name="archive"),
    path("<int:pk>/accept/", views_conversation.accept, name="accept"),
    path("<int:pk>/ignore/", views_conversation.ignore, name="ignore"),
    path(
        "<int:pk>/report-request/",
        views_conversation.report_request,
        name="report_request",
    ),
    path(
        "reports/<int:report_pk>/context/",
        views_moderation.report_context,
        name="report_context",
    ),
]
