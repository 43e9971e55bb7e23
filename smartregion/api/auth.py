"""Who writes through the API: a personal token (``Authorization: Bearer sr_…``) or the browser session
with its CSRF token. Reads need neither."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from . import services
from .problems import ApiProblem


class TokenAuth(HttpBearer):
    """A personal API token from the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionWithCsrf(SessionAuth):
    """The signed-in browser session; like a form, it must send the CSRF token (X-CSRFToken header)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request):
            raise ApiProblem(
                403,
                _("The CSRF check failed. Send the csrftoken cookie's value in the X-CSRFToken header."),
            )
        return request.COOKIES.get(self.param_name)


WRITE_AUTH = [TokenAuth(), SessionWithCsrf()]
