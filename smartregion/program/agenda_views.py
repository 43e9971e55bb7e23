"""Pages of the Digitale Agenda: the list of yearly agendas, one agenda with its profiles, creating,
refreshing and adopting a draft, comparing two years, and the PDF for the council.

Everybody reads an adopted agenda; the office (and coordinators) also see the drafts; only the office
creates, refreshes, adopts and deletes them. A draft the viewer may not see is answered 404.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from smartregion.core.forms import add_service_error
from smartregion.core.permissions import permitted_user

from . import agenda
from .models import AgendaSnapshot

POST_RATE = "30/m"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AgendaCreateForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Empty: “Digitale Agenda” and the year."),
    )


class AgendaAdoptForm(forms.Form):
    decided_by = forms.CharField(
        label=gettext_lazy("Decision body"),
        max_length=200,
        help_text=gettext_lazy("For example: Kreistag Mayen-Koblenz."),
    )
    decided_on = forms.DateField(label=gettext_lazy("Decided on"), widget=DateInput())
    decision_reference = forms.CharField(
        label=gettext_lazy("Reference of the decision"),
        max_length=100,
        help_text=gettext_lazy("For example: Drucksache 123/2026."),
    )
    oparl_url = forms.URLField(
        label=gettext_lazy("OParl URL of the council paper (optional)"),
        max_length=500,
        required=False,
        assume_scheme="https",
    )


def _snapshot(request: HttpRequest, year: int) -> AgendaSnapshot:
    snapshot = AgendaSnapshot.objects.filter(year=year).first()
    if snapshot is None or not request.user.has_perm("program.view_agenda", snapshot):
        raise Http404(_("There is no Digitale Agenda for this year."))
    return snapshot


@require_GET
def agenda_list(request: HttpRequest) -> HttpResponse:
    """The yearly agendas the viewer may see, newest first, and (for the office) the form for a new one."""
    snapshots = agenda.agenda_list(viewer=request.user)
    may_manage = request.user.has_perm("program.manage_agenda")
    form = AgendaCreateForm(initial={"year": timezone.localdate().year}) if may_manage else None
    return render(
        request,
        "program/agenda_list.html",
        {"snapshots": snapshots, "may_manage": may_manage, "form": form},
    )


@require_http_methods(["POST"])
@ratelimit(key="user_or_ip", rate=POST_RATE, method="POST", block=True)
def agenda_create(request: HttpRequest) -> HttpResponse:
    user = permitted_user(request, "program.manage_agenda")
    form = AgendaCreateForm(request.POST)
    if form.is_valid():
        try:
            snapshot = agenda.snapshot_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The draft agenda is created: every published measure is frozen."))
            return redirect("program:agenda", year=snapshot.year)
    return render(
        request,
        "program/agenda_list.html",
        {"snapshots": agenda.agenda_list(viewer=user), "may_manage": True, "form": form},
        status=400,
    )


@require_GET
def agenda_detail(request: HttpRequest, year: int) -> HttpResponse:
    """One agenda: its decision, totals and the frozen profile of every measure."""
    snapshot = _snapshot(request, year)
    others = [s for s in agenda.agenda_list(viewer=request.user) if s.pk != snapshot.pk]
    return render(
        request,
        "program/agenda_detail.html",
        {
            "snapshot": snapshot,
            "profiles": snapshot.profiles,
            "planned": agenda.profile_total(snapshot.profiles, "planned"),
            "spent": agenda.profile_total(snapshot.profiles, "spent"),
            "others": others,
            "may_manage": request.user.has_perm("program.manage_agenda", snapshot),
        },
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate=POST_RATE, method="POST", block=True)
def agenda_adopt(request: HttpRequest, year: int) -> HttpResponse:
    snapshot = _snapshot(request, year)
    user = permitted_user(request, "program.manage_agenda", snapshot)
    if snapshot.is_adopted:
        messages.info(request, _("This Digitale Agenda is adopted and can no longer be changed."))
        return redirect("program:agenda", year=year)
    form = AgendaAdoptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            agenda.snapshot_adopt(actor=user, snapshot=snapshot, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The Digitale Agenda is adopted; it can no longer be changed."))
            return redirect("program:agenda", year=year)
    return render(
        request,
        "program/agenda_form.html",
        {"snapshot": snapshot, "form": form, "title": _("Adopt the Digitale Agenda")},
        status=400 if form.is_bound else 200,
    )


def _draft_action(request: HttpRequest, year: int, run: Any, done: str) -> HttpResponse:
    snapshot = _snapshot(request, year)
    user = permitted_user(request, "program.manage_agenda", snapshot)
    try:
        run(actor=user, snapshot=snapshot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("program:agenda", year=year)
    messages.success(request, done)
    return (
        redirect("program:agenda", year=year)
        if AgendaSnapshot.objects.filter(pk=snapshot.pk).exists()
        else (redirect("program:agenda_list"))
    )


@require_POST
@ratelimit(key="user_or_ip", rate=POST_RATE, method="POST", block=True)
def agenda_refresh(request: HttpRequest, year: int) -> HttpResponse:
    return _draft_action(
        request,
        year,
        agenda.snapshot_refresh,
        _("The draft is frozen again from the measures as they stand."),
    )


@require_POST
@ratelimit(key="user_or_ip", rate=POST_RATE, method="POST", block=True)
def agenda_delete(request: HttpRequest, year: int) -> HttpResponse:
    return _draft_action(request, year, agenda.snapshot_delete, _("The draft is deleted."))


@require_GET
def agenda_download(request: HttpRequest, year: int) -> HttpResponse:
    """The agenda as a PDF for the council, one profile page per measure."""
    from .agenda_pdf import agenda_pdf  # reportlab loads where a PDF is made, not in every web worker

    snapshot = _snapshot(request, year)
    if snapshot.is_adopted:
        # An adopted agenda never changes, so its PDF (seconds to build for many measures) is kept.
        key = f"program:agenda-pdf:{snapshot.pk}:{snapshot.schema_version}"
        pdf = cache.get(key)
        if pdf is None:
            pdf = agenda_pdf(snapshot)
            cache.set(key, pdf, 24 * 3600)
    else:
        pdf = agenda_pdf(snapshot)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="digitale-agenda-{snapshot.year}.pdf"'
    return response


@require_GET
def agenda_compare(request: HttpRequest) -> HttpResponse:
    """What changed per measure between two agendas the viewer may see (``?von=2025&bis=2026``)."""
    snapshots = agenda.agenda_list(viewer=request.user)
    by_year = {str(s.year): s for s in snapshots}
    first, second = request.GET.get("von", ""), request.GET.get("bis", "")
    error = ""
    comparison = None
    if first or second:
        if first not in by_year or second not in by_year:
            error = _("Please choose two agendas from the lists.")
        elif first == second:
            error = _("Please choose two different years.")
        else:
            chosen = AgendaSnapshot.objects.filter(pk__in=[by_year[first].pk, by_year[second].pk])
            older, newer = sorted(chosen, key=lambda s: s.year)
            comparison = agenda.compare(older, newer)
    return render(
        request,
        "program/agenda_compare.html",
        {"snapshots": snapshots, "first": first, "second": second, "error": error, "comparison": comparison},
        status=400 if error else 200,
    )


urlpatterns: list[URLPattern] = [
    path("agenda/", agenda_list, name="agenda_list"),
    path("agenda/neu/", agenda_create, name="agenda_create"),
    path("agenda/vergleich/", agenda_compare, name="agenda_compare"),
    path("agenda/<int:year>/", agenda_detail, name="agenda"),
    path("agenda/<int:year>/beschliessen/", agenda_adopt, name="agenda_adopt"),
    path("agenda/<int:year>/aktualisieren/", agenda_refresh, name="agenda_refresh"),
    path("agenda/<int:year>/loeschen/", agenda_delete, name="agenda_delete"),
    path("agenda/<int:year>/digitale-agenda.pdf", agenda_download, name="agenda_pdf"),
]
