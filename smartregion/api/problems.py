"""Errors as ``application/problem+json`` (RFC 9457): what went wrong, in words a person understands, and
for bad input the offending fields.

Every exception an endpoint can meet ends here, so no client ever reads an HTML error page or a bare
traceback: request parsing (422 with the fields), the services' ValidationErrors (422), PermissionDenied
(403), rate limits (429), missing objects (404), authentication (401) and state conflicts (409).
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from smartregion.core.http import DATABASE_UNAVAILABLE, UNAVAILABLE_RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
# Problem types are documented on the API's documentation page, one anchor each.
TYPE_BASE = "/api/v1/docs#problem-"


class FieldError(Schema):
    """One offending field: its name (dotted for nested values, "" for the request as a whole)."""

    field: str
    message: str


class Problem(Schema):
    """An error (RFC 9457): a type, a short title, the explanation, and for bad input the fields."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] = []


class ApiProblem(Exception):
    """Raised by endpoints for an answer other than success (a conflict, a refusal with its reason)."""

    def __init__(self, status: int, detail: str, *, errors: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)


def problem_types() -> dict[int, tuple[str, str]]:
    """Per status: the problem type's slug and its title."""
    return {
        400: ("bad-request", _("Bad request")),
        401: ("not-authenticated", _("Authentication required")),
        403: ("forbidden", _("Not allowed")),
        404: ("not-found", _("Not found")),
        405: ("method-not-allowed", _("Method not allowed")),
        409: ("conflict", _("Conflict")),
        412: ("precondition-failed", _("Precondition failed")),
        413: ("content-too-large", _("Content too large")),
        422: ("invalid-input", _("Invalid input")),
        429: ("rate-limited", _("Too many requests")),
        500: ("server-error", _("Server error")),
        503: ("unavailable", _("Temporarily unavailable")),
    }


def problem_response(
    request: HttpRequest, status: int, detail: str, errors: Iterable[tuple[str, str]] = ()
) -> HttpResponse:
    slug, title = problem_types().get(status, ("error", _("Error")))
    body = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "errors": [{"field": field, "message": message} for field, message in errors],
    }
    response = JsonResponse(
        body, status=status, content_type=MEDIA_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="SmartRegion"'
    if status == 503:
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    return response


# --- Request validation: pydantic's error types in German ------------------------------------------------


def _pydantic_message(error: dict[str, Any]) -> str:  # noqa: PLR0911, PLR0912 - one return per error family
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):
        return _("Please use at most %(limit)s characters.") % {"limit": context.get("max_length", "?")}
    if kind in ("string_too_short", "too_short"):
        return _("Please use at least %(limit)s characters.") % {"limit": context.get("min_length", "?")}
    if kind.startswith(("int_", "float_", "decimal_")) and kind.endswith("parsing"):
        return _("Please give a number.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("The value must be at least %(limit)s.") % {"limit": context.get("ge", context.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("The value must be at most %(limit)s.") % {"limit": context.get("le", context.get("lt"))}
    if kind in ("literal_error", "enum"):
        return _("Please choose one of: %(choices)s.") % {"choices": context.get("expected", "")}
    if kind == "string_pattern_mismatch":
        return _("This text contains characters that are not allowed.")
    if kind.startswith(("string_", "str_")):
        return _("Please give a text.")
    if kind.startswith("list_"):
        return _("Please give a list.")
    if kind.startswith(("model_", "dict_")) or kind == "json_invalid":
        return _("The request body is not a valid JSON object.")
    if kind.startswith("bool_"):
        return _("Please give true or false.")
    if kind.startswith("date_"):
        return _("Please give a date as YYYY-MM-DD, e.g. 2026-05-01.")
    return _("This value is not valid.")


def _field_name(location: Iterable[Any]) -> str:
    """The field as the client named it: ninja's location ("body", "query", "path") and, for a body, the
    parameter it is parsed into come first and are no part of the client's request."""
    parts = [str(part) for part in location]
    return ".".join(parts[2:] if parts[:1] == ["body"] else parts[1:])


def _django_errors(error: DjangoValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            ("" if field == NON_FIELD_ERRORS else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]


def install(api: NinjaAPI) -> None:
    """Answer every exception an endpoint can meet with a problem document."""

    def on_problem(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, exc.status, exc.detail, exc.errors)

    def on_request_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [(_field_name(error.get("loc", ())), _pydantic_message(error)) for error in exc.errors]
        return problem_response(request, 422, _("Please check your input."), errors)

    def on_service_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, 422, _("Please check your input."), _django_errors(exc))

    def on_unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(
            request,
            401,
            _("Please send a personal API token (Authorization: Bearer …) or sign in."),
        )

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400:  # the only HttpError ninja raises itself: a body it cannot parse
            return problem_response(request, 400, _("The request body could not be read. Please send JSON."))
        return problem_response(request, exc.status_code, exc.message)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, 404, _("There is nothing at this address."))

    def on_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, Ratelimited):
            return problem_response(request, 429, _("Too many requests. Please wait a while and try again."))
        return problem_response(request, 403, _("You may not do this."))

    def on_too_large(request: HttpRequest, exc: Any) -> HttpResponse:
        # A body without Content-Length can exceed DATA_UPLOAD_MAX_MEMORY_SIZE only while it is read.
        return problem_response(request, 413, _("The request is too large."))

    def on_database_unavailable(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exc)
        return problem_response(
            request, 503, _("The service is unavailable for a moment. Please try again in a minute.")
        )

    def on_error(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return problem_response(request, 500, _("Something went wrong on our side. Please try again later."))

    api.add_exception_handler(Exception, on_error)
    api.add_exception_handler(ApiProblem, on_problem)
    for unavailable in DATABASE_UNAVAILABLE:
        api.add_exception_handler(unavailable, on_database_unavailable)
    api.add_exception_handler(NinjaValidationError, on_request_invalid)
    api.add_exception_handler(DjangoValidationError, on_service_invalid)
    api.add_exception_handler(AuthenticationError, on_unauthenticated)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(RequestDataTooBig, on_too_large)
