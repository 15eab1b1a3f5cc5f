"""The site's URLs and one bare template view: the framework's ceiling here."""

from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("bench/bare/", TemplateView.as_view(template_name="bench/bare.html")),
    path("", include("community.urls")),
]
