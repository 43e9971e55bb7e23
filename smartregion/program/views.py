"""The program dashboard: the program's money and progress in charts, each with the same figures as a
table. The figures are the viewer's (selectors.dashboard): the public sees the published measures; the
program office also sees the funder's rules, the cash per source and the proof-of-use deadlines.

The fund call pages belong to the office alone (``program.call_funds``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from smartregion.core.forms import add_service_error
from smartregion.core.pagecache import cache_public_page
from smartregion.core.permissions import permitted_user
from smartregion.strategy.apps import PAGES

from . import forms, selectors, services
from .models import FundCall

POST_RATE = "60/m"


@require_GET
@cache_public_page(PAGES)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Planned, committed and spent money by source, year, domain and municipality; status; overdue; for
    the office also the funder's rules, cash and deadlines."""
    grant = selectors.grant_overview() if request.user.has_perm("program.view_grant") else None
    return render(
        request,
        "program/dashboard.html",
        {"board": selectors.dashboard(viewer=request.user), "grant": grant},
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def fund_calls(request: HttpRequest) -> HttpResponse:
    """The fund calls with their receipts, and the form to record a new call."""
    user = permitted_user(request, "program.call_funds")
    form = forms.FundCallForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_call_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The fund call is recorded."))
            return redirect(reverse("program:fund_calls"))
    return render(
        request,
        "program/fund_calls.html",
        {"form": form, "calls": list(selectors.fund_calls()), "cash": selectors.cash_position()},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def fund_call_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the receipt of a fund call's money."""
    user = permitted_user(request, "program.call_funds")
    call = FundCall.objects.select_related("source").filter(pk=pk).first()
    if call is None:
        raise Http404(_("This fund call does not exist."))
    form = forms.FundReceiptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_call_receive(
                actor=user,
                fund_call=call,
                received_on=form.cleaned_data["received_on"],
                amount=form.cleaned_data["amount"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The receipt is recorded."))
            return redirect(reverse("program:fund_calls"))
    return render(
        request,
        "program/fund_call_receive.html",
        {"form": form, "call": call},
        status=400 if form.is_bound else 200,
    )
