"""URL routes: public pages, accounts (allauth plus our profile pages), admin, sitemap."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.i18n import set_language

from smartregion.api.main import api, documentation, not_found
from smartregion.web.sitemaps import SITEMAPS
from smartregion.web.views import favicon, media, robots_txt

urlpatterns = [
    path("", include("smartregion.web.urls")),
    path("", include("smartregion.participation.urls")),
    path("strategie/", include("smartregion.strategy.urls")),
    path("programm/", include("smartregion.program.urls")),
    path("veranstaltungen/", include("smartregion.events.urls")),
    path("suche/", include("smartregion.insights.urls")),
    path("offene-daten/", include("smartregion.opendata.urls")),
    path("api/v1/docs", documentation, name="api_docs"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", not_found),
    path("konto/profil/api-schluessel/", include("smartregion.api.urls")),
    path("konto/profil/", include("smartregion.accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("media/<path:path>", media, name="media"),
]
