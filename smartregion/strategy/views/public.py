"""Public strategy pages: the explorer (goals → strategies → measures) and the measure page.

Views parse, authorize, call selectors, and render. A measure the viewer may not see is answered 404,
not 403, so that its existence is not revealed. Both pages are cached for anonymous visitors.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from smartregion.core.pagecache import cache_public_page
from smartregion.program import selectors as program
from smartregion.program.history import history
from smartregion.program.monitoring import measure_monitoring

from .. import selectors
from ..apps import PAGES
from ..models import Measure, StrategyVersion


@require_GET
@cache_public_page(PAGES)
def explorer(request: HttpRequest) -> HttpResponse:
    """The regional strategy: goals, their strategies and the measures the viewer may see."""
    versions = selectors.strategy_versions(viewer=request.user)
    adopted = next((v for v in versions if v.status == StrategyVersion.Status.ADOPTED), None)
    return render(
        request,
        "strategy/explorer.html",
        {"tree": selectors.strategy_tree(viewer=request.user), "adopted": adopted},
    )


@require_GET
@cache_public_page(PAGES)
def versions(request: HttpRequest) -> HttpResponse:
    """The adopted versions of the strategy with their decisions and what each changed."""
    return render(
        request, "strategy/versions.html", {"versions": selectors.strategy_versions(viewer=request.user)}
    )


@require_GET
@cache_public_page(PAGES)
def measure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A measure with its money, milestones, indicators, the ideas it took up and (for staff) its history."""
    user = request.user
    try:
        measure = selectors.measure_get(slug=slug)
    except Measure.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("strategy.view_measure", measure):
        raise Http404
    money = program.measure_money(measure)
    milestones = program.measure_milestones(measure)
    indicators = program.measure_indicators(measure)
    may_view_history = user.has_perm("strategy.view_measure_history", measure)
    may_view_grant = user.has_perm("program.view_grant")
    return render(
        request,
        "strategy/measure_detail.html",
        {
            "measure": measure,
            "idea_links": selectors.measure_idea_links(measure),
            "responsibilities": list(program.measure_responsibilities(measure)),
            "money": money,
            "budget_lines": money.lines,
            "expenses": list(program.measure_expenses(measure)),
            "milestone_items": milestones,
            "milestones": [item.milestone for item in milestones],
            "indicators": indicators,
            "indicator_panels": [program.indicator_panel(indicator) for indicator in indicators],
            "history": history(list(program.measure_history(measure))) if may_view_history else None,
            "monitoring": measure_monitoring(measure),
            "may_plan": user.has_perm("program.plan_measure", measure),
            "may_report": user.has_perm("program.report_measure", measure),
            "may_book_staff_effort": user.has_perm("program.book_staff_effort", measure),
            "staff_efforts": list(program.measure_staff_efforts(measure)),
            "grant": program.measure_grant(measure),
            "may_view_grant": may_view_grant,
        },
    )


urlpatterns: list[URLPattern] = [
    path("", explorer, name="explorer"),
    path("fassungen/", versions, name="versions"),
    path("massnahmen/<slug:slug>/", measure_detail, name="measure"),
]
