from django.urls import path

from circles import views

app_name = "circles"

urlpatterns = [
    path("", views.community_list, name="list"),
    path("propose/", views.community_propose, name="propose"),
    path("invitations/", views.invitation_list, name="invitations"),
    path("invitations/<str:token>/", views.invitation_answer, name="invitation"),
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/edit/", views.community_edit, name="edit"),
    path("<slug:slug>/join/", views.community_join, name="join"),
    path("<slug:slug>/request/", views.join_request, name="request"),
    path("<slug:slug>/leave/", views.community_leave, name="leave"),
    path("<slug:slug>/hearing/", views.hearing, name="hearing"),
    path("<slug:slug>/members/", views.member_list, name="members"),
    path("<slug:slug>/members/invite/", views.member_invite, name="invite"),
    path("<slug:slug>/requests/<int:pk>/", views.join_request_decide, name="decide"),
    path("<slug:slug>/members/<int:user_id>/", views.member_manage, name="manage"),
    path("<slug:slug>/ownership/", views.ownership, name="ownership"),
    path("<slug:slug>/materials/add/", views.collection_add, name="collection_add"),
    path(
        "<slug:slug>/materials/<int:pk>/remove/",
        views.collection_remove,
        name="collection_remove",
    ),
    path("<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
]
