"""The program dashboard: the program's money and progress in charts, each with the same figures as a
table. The figures are the viewer's (selectors.dashboard): the public sees the published measures."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from smartregion.core.pagecache import cache_public_page
from smartregion.strategy.apps import PAGES

from . import selectors


@require_GET
@cache_public_page(PAGES)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Planned, committed and spent money by source, year, domain and municipality; status; overdue."""
    return render(request, "program/dashboard.html", {"board": selectors.dashboard(viewer=request.user)})
