from django.urls import path

from masterclasses import views
from masterclasses.feeds import UpcomingFeed

app_name = "masterclasses"

urlpatterns = [
    path("", views.masterclass_list, name="list"),
    path("calendar/", views.month, name="month"),
    path("calendar/<int:year>/<int:month>/", views.month, name="month"),
    path("new/", views.create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("feed/rss/", UpcomingFeed(), name="feed_rss"),
    path("feed/atom/", UpcomingFeed(atom=True), name="feed_atom"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("certificate/<int:pk>.pdf", views.certificate_download, name="certificate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/unregister/", views.unregister, name="unregister"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/followup/", views.followup, name="followup"),
    path("<int:pk>/finish/", views.finish, name="finish"),
    path("<int:pk>/calendar.ics", views.ics, name="ics"),
]
