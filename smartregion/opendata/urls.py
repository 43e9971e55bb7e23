"""Open data under /offene-daten/: the page, the catalogue, the downloads, the feeds and calendars."""

from django.urls import URLPattern, path

from . import feeds, views

app_name = "opendata"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("katalog.rdf", views.catalog_rdf, name="catalog"),
    path("feeds/ideen.atom", feeds.IdeaFeed(), name="idea_feed"),
    path("feeds/ideen/<slug:slug>.atom", feeds.ProcessIdeaFeed(), name="process_idea_feed"),
    path("feeds/massnahmen.atom", feeds.MeasureUpdateFeed(), name="measure_feed"),
    path("kalender/phasen.ics", feeds.phases_calendar, name="phases_calendar"),
    path("kalender/beteiligung/<slug:slug>.ics", feeds.process_calendar, name="process_calendar"),
    path("<slug:slug>.<str:fmt>", views.download, name="download"),
]
