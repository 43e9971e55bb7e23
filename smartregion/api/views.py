"""The profile page where people create and revoke their personal API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from smartregion.core.forms import add_service_error
from smartregion.core.permissions import permitted_user

from . import services
from .forms import TokenForm
from .models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate="30/h", method="POST", block=True)
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's tokens, and a form for a new one whose secret is shown once."""
    user = permitted_user(request, "api.create_token")
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.token_create(user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": ApiToken.objects.filter(user=user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's token does not exist for this person (404), rather than being forbidden (403).
    token = get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk)
    user = permitted_user(request, "api.revoke_token", token)
    services.token_revoke(user=user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:tokens")
