"""Pages about places and people: "Was passiert in …?" per municipality, the region's reach ranking,
the coordinators' work list and "Meine Beteiligung". They parse, authorize, call selectors and render."""

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from smartregion.accounts.models import User
from smartregion.core.pagecache import cache_public_page
from smartregion.network import selectors as network
from smartregion.network.models import Municipality
from smartregion.participation.apps import PAGES as PARTICIPATION_PAGES
from smartregion.participation.models import NotificationPreference

from . import reach, selectors
from .forms import ReachFilterForm

OWN_PAGE_SIZE = 10


def _municipality_or_404(slug: str) -> Municipality:
    try:
        return network.municipality_get(slug=slug)
    except Municipality.DoesNotExist as error:
        raise Http404(_("This municipality does not exist.")) from error


# Anonymous visitors get these pages from the page cache (decision 0005). They show ideas, supports and
# comments (which retire the participation pages), measures and money (strategy's changes retire the
# participation pages too) and events, whose changes show within PAGE_CACHE_SECONDS.
@require_GET
@cache_public_page(PARTICIPATION_PAGES)
def municipality_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """What happens in a municipality: ideas, measures with money, events, open processes and reach."""
    municipality = _municipality_or_404(slug)
    form = ReachFilterForm(request.GET or None)
    municipalities = list(network.municipality_list())
    return render(
        request,
        "web/municipality_detail.html",
        {
            "municipality": municipality,
            "geojson": network.municipality_geojson([municipality]),
            "overview": selectors.municipality_overview(viewer=request.user, municipality=municipality),
            "reach": reach.municipality_reach(
                municipality=municipality,
                municipalities=municipalities,
                by=form.axis(),
                since=form.since_date(timezone.localdate()),
            ),
            "form": form,
            "may_see_tasks": request.user.has_perm("web.view_municipality_tasks", municipality),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@cache_public_page(PARTICIPATION_PAGES)
def region_reach(request: HttpRequest) -> HttpResponse:
    """All member municipalities ranked by contributions per 1,000 inhabitants, overall and per channel."""
    form = ReachFilterForm(request.GET or None)
    municipalities = list(network.municipality_list())
    return render(
        request,
        "web/region_reach.html",
        {
            "ranking": reach.region_ranking(
                municipalities=municipalities, since=form.since_date(timezone.localdate())
            ),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def municipality_tasks(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinators' work list for their municipality (and the program office's)."""
    municipality = _municipality_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("web.view_municipality_tasks", municipality):
        raise PermissionDenied(
            _("Only the coordinators of this municipality and the program office see this page.")
        )
    return render(
        request,
        "web/municipality_tasks.html",
        {
            "municipality": municipality,
            "tasks": selectors.municipality_tasks(viewer=request.user, municipality=municipality),
        },
    )


def _page(request: HttpRequest, rows: QuerySet[Any], parameter: str) -> Page[Any]:
    """One page of a list whose page number is the query parameter ``parameter``, so that the page's
    several lists page independently; ``previous_url``/``next_url`` keep the other lists' pages."""
    page = Paginator(rows, OWN_PAGE_SIZE).get_page(request.GET.get(parameter))
    for name, number in (
        ("previous_url", page.previous_page_number() if page.has_previous() else None),
        ("next_url", page.next_page_number() if page.has_next() else None),
    ):
        url = None
        if number is not None:
            query = request.GET.copy()
            query[parameter] = str(number)
            url = f"?{query.urlencode()}#{parameter}"
        setattr(page, name, url)
    return page


@login_required
@require_GET
def own_participation(request: HttpRequest) -> HttpResponse:
    """Meine Beteiligung: the signed-in person's own ideas (and what became of them), supports,
    comments, event registrations, survey answers and follows, and where her notification settings are."""
    if not request.user.has_perm("web.view_own_participation"):
        raise PermissionDenied
    user = cast(User, request.user)
    preference = NotificationPreference.objects.filter(user=user).first()
    return render(
        request,
        "web/own_participation.html",
        {
            "counts": reach.person_counts(user=user),
            "ideas": _page(request, selectors.own_ideas(user=user), "ideen"),
            "supports": _page(request, selectors.own_supports(user=user), "unterstuetzungen"),
            "comments": _page(request, selectors.own_comments(user=user), "kommentare"),
            "registrations": _page(request, selectors.own_registrations(user=user), "anmeldungen"),
            "survey_responses": _page(request, selectors.own_survey_responses(user=user), "umfragen"),
            "follows": _page(request, selectors.own_follows(user=user), "folgen"),
            "digest": bool(preference and preference.email_digest),
            "home_municipality": user.home_municipality,
        },
    )
