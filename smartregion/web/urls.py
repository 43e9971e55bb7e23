from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("kommunen.geojson", views.municipality_geojson, name="municipality_geojson"),
    path("kommunen/<slug:slug>/", views.municipality_detail, name="municipality"),
    path("netzwerk/", views.network_overview, name="network"),
    path("impressum/", TemplateView.as_view(template_name="web/imprint.html"), name="imprint"),
    path("datenschutz/", TemplateView.as_view(template_name="web/privacy.html"), name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path(
        "leichte-sprache/", TemplateView.as_view(template_name="web/easy_language.html"), name="easy_language"
    ),
]
