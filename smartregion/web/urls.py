from django.urls import path
from django.views.generic import TemplateView

from . import place_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("kommunen.geojson", views.municipality_geojson, name="municipality_geojson"),
    path("kommunen/", place_views.region_reach, name="region_reach"),
    path("kommunen/<slug:slug>/", place_views.municipality_detail, name="municipality"),
    path("kommunen/<slug:slug>/aufgaben/", place_views.municipality_tasks, name="municipality_tasks"),
    path("meine-beteiligung/", place_views.own_participation, name="own_participation"),
    path("netzwerk/", views.network_overview, name="network"),
    path("impressum/", TemplateView.as_view(template_name="web/imprint.html"), name="imprint"),
    path("datenschutz/", TemplateView.as_view(template_name="web/privacy.html"), name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path(
        "leichte-sprache/", TemplateView.as_view(template_name="web/easy_language.html"), name="easy_language"
    ),
]
