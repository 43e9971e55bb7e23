"""Pages where the program office, coordinators and lead organizations manage a measure.

Every action is a small page with one form (it works without JavaScript and reads well with a screen
reader); the measure page links to those the person may use. The view asks the permission only to answer
403 instead of showing a form nobody may send; the services ask the same rules again before they write,
and their ValidationErrors go back onto the form with status 400.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from smartregion.accounts.models import User
from smartregion.core.forms import add_service_error
from smartregion.core.permissions import permitted_user
from smartregion.program import services as program

from .. import manage_forms as f
from .. import selectors, services
from ..models import Measure

POST_RATE = "60/m"


@dataclass(frozen=True)
class Action:
    """One management action: its form, the permission it needs, and the service call it makes."""

    title: Any
    form: type[forms.Form]
    perm: str
    run: Callable[[User, Measure, dict[str, Any]], Any]
    done: Any
    needs_measure: bool = False
    # Offers a search for ideas to link (``?suche=`` on the same page; ``?idee=`` fills the form in).
    searches_ideas: bool = False


ACTIONS: dict[str, Action] = {
    "status": Action(
        gettext_lazy("Change the status"),
        f.StatusForm,
        "program.plan_measure",
        lambda user, measure, data: program.measure_set_status(
            actor=user, measure=measure, status=data["status"], reason=data["reason"]
        ),
        gettext_lazy("The status is changed."),
    ),
    "fortschritt": Action(
        gettext_lazy("Set the progress"),
        f.ProgressForm,
        "program.plan_measure",
        lambda user, measure, data: program.measure_set_progress(
            actor=user,
            measure=measure,
            progress=None if data["follow_milestones"] else data["progress"],
            reason=data["reason"],
        ),
        gettext_lazy("The progress is saved."),
    ),
    "monitoring": Action(
        gettext_lazy("Set the monitoring state"),
        f.MonitoringForm,
        "program.override_monitoring",
        lambda user, measure, data: program.measure_set_monitoring(
            actor=user, measure=measure, state=data["state"], reason=data["reason"]
        ),
        gettext_lazy("The monitoring state is saved."),
    ),
    "idee-verknuepfen": Action(
        gettext_lazy("Link an idea"),
        f.IdeaLinkForm,
        "strategy.link_idea",
        lambda user, measure, data: services.idea_link(
            actor=user, measure=measure, idea=data["idea"], note=data["note"]
        ),
        gettext_lazy("The idea is linked; its author and supporters can now see what became of it."),
        searches_ideas=True,
    ),
    "idee-loesen": Action(
        gettext_lazy("Unlink an idea"),
        f.IdeaUnlinkForm,
        "strategy.link_idea",
        lambda user, measure, data: services.idea_unlink(actor=user, link=data["link"]),
        gettext_lazy("The idea is no longer linked."),
        needs_measure=True,
    ),
    "budget": Action(
        gettext_lazy("Plan the budget"),
        f.BudgetForm,
        "program.plan_measure",
        lambda user, measure, data: program.budget_line_set(
            actor=user,
            measure=measure,
            source=data["source"],
            year=data["year"],
            planned=data["planned"],
            eligible=not data["not_eligible"],
        ),
        gettext_lazy("The budget line is saved."),
    ),
    "ausgabe": Action(
        gettext_lazy("Book an expense"),
        f.ExpenseForm,
        "program.report_measure",
        lambda user, measure, data: program.expense_book(actor=user, **data),
        gettext_lazy("The expense is booked."),
        needs_measure=True,
    ),
    "eigenleistung": Action(
        gettext_lazy("Book own staff effort"),
        f.StaffEffortForm,
        "program.book_staff_effort",
        lambda user, measure, data: program.staff_effort_book(actor=user, measure=measure, **data),
        gettext_lazy("The own staff effort is booked."),
    ),
    "meilenstein": Action(
        gettext_lazy("Add a milestone"),
        f.MilestoneForm,
        "program.plan_measure",
        lambda user, measure, data: program.milestone_add(actor=user, measure=measure, **data),
        gettext_lazy("The milestone is added."),
    ),
    "meilenstein-erreicht": Action(
        gettext_lazy("Mark a milestone as reached"),
        f.MilestoneDoneForm,
        "program.report_measure",
        lambda user, measure, data: program.milestone_set_done(
            actor=user, milestone=data["milestone"], done_on=data["done_on"]
        ),
        gettext_lazy("The milestone is marked as reached."),
        needs_measure=True,
    ),
    "kennzahl": Action(
        gettext_lazy("Record an indicator value"),
        f.IndicatorValueForm,
        "program.report_measure",
        lambda user, measure, data: program.indicator_value_add(actor=user, **data),
        gettext_lazy("The value is recorded."),
        needs_measure=True,
    ),
    "verantwortung": Action(
        gettext_lazy("Add a responsible organization"),
        f.ResponsibilityForm,
        "program.plan_measure",
        lambda user, measure, data: program.responsibility_add(actor=user, measure=measure, **data),
        gettext_lazy("The organization is added."),
    ),
}


def _measure(slug: str) -> Measure:
    measure = Measure.objects.prefetch_related("municipalities").filter(slug=slug).first()
    if measure is None:
        raise Http404(_("This measure does not exist."))
    return measure


def _bound(action: Action, request: HttpRequest, measure: Measure) -> forms.Form:
    kwargs: dict[str, Any] = {"measure": measure} if action.needs_measure else {}
    if request.method == "POST":
        return action.form(request.POST, **kwargs)
    initial = {"idea": request.GET.get("idee", "")[:20]} if action.searches_ideas else {}
    return action.form(initial=initial, **kwargs)


def _idea_search(request: HttpRequest, user: User, measure: Measure) -> dict[str, Any]:
    """The search box's words and the ideas it finds (with htmx, the results are replaced as one types)."""
    query = request.GET.get("suche", "").strip()[:200]
    return {"query": query, "found": selectors.linkable_ideas(viewer=user, measure=measure, q=query)}


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def measure_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404(_("This page does not exist."))
    measure = _measure(slug)
    user = permitted_user(request, chosen.perm, measure)
    form = _bound(chosen, request, measure)
    if request.method == "POST" and form.is_valid():
        try:
            chosen.run(user, measure, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, str(chosen.done))
            return redirect(measure.get_absolute_url() + "#verwalten")
    context = {"measure": measure, "form": form, "title": chosen.title}
    if chosen.searches_ideas:
        context |= _idea_search(request, user, measure)
    return render(request, "strategy/manage_action.html", context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def measure_create(request: HttpRequest) -> HttpResponse:
    user = permitted_user(request, "strategy.add_measure")
    form = f.MeasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The measure is created."))
            return redirect(measure.get_absolute_url())
    return render(
        request,
        "strategy/measure_form.html",
        {"form": form, "title": _("New measure")},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def measure_edit(request: HttpRequest, slug: str) -> HttpResponse:
    measure = _measure(slug)
    user = permitted_user(request, "strategy.change_measure", measure)
    initial = {
        "strategy": measure.strategy_id,
        "title": measure.title,
        "summary": measure.summary,
        "body": measure.body,
        "domains": list(measure.domains.all()),
        "municipalities": list(measure.municipalities.all()),
        "is_published": measure.is_published,
    }
    form = f.MeasureForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(actor=user, measure=measure, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The measure is saved."))
            return redirect(measure.get_absolute_url())
    return render(
        request,
        "strategy/measure_form.html",
        {"form": form, "measure": measure, "title": _("Edit the measure")},
        status=400 if form.is_bound else 200,
    )


urlpatterns = [
    path("massnahmen/neu/", measure_create, name="measure_create"),
    path("massnahmen/<slug:slug>/bearbeiten/", measure_edit, name="measure_edit"),
    path("massnahmen/<slug:slug>/verwalten/<slug:action>/", measure_action, name="measure_action"),
]
