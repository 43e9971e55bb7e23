"""The project's URLs plus a trivial view whose throughput is the ceiling every page is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def ping(request: HttpRequest) -> HttpResponse:
    """The whole middleware stack and nothing else: no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping, name="bench_ping"), *project_urlpatterns]
