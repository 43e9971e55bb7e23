"""Profile, personal-data export and account deletion pages."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartregion.core.permissions import permitted_user

from . import selectors, services
from .forms import AccountDeleteForm, ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Show and edit the voluntary profile."""
    user = permitted_user(request, "accounts.change_profile", request.user)
    form = ProfileForm.for_user(user, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "roles": selectors.user_role_list(user=user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET"])
def data_export(request: HttpRequest) -> HttpResponse:
    """Download everything stored about oneself as JSON."""
    user = permitted_user(request, "accounts.export_data", request.user)
    data = services.personal_data_export(user=user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"smartregion-daten-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete one's account after confirming with the password; contributions stay, anonymised."""
    user = permitted_user(request, "accounts.delete_account", request.user)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=user)
        logout(request)
        messages.success(
            request, _("Your account has been deleted. Your contributions remain without your name.")
        )
        return redirect("web:home")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)
