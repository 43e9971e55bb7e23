"""Request middleware shared by every app."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """German unless the person chose another language with the switch (language cookie).

    The browser's Accept-Language is ignored on purpose: a public body's site speaks German first, and a
    page that changes language by browser settings confuses people who share or borrow devices.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = (
                translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
            )
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        # The language depends on the cookie, not on Accept-Language: caches must vary on that.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


# The database errors that mean "cannot reach the database right now" (server down or restarting, a
# connection cut, SQLite locked past its timeout), as opposed to a bug: the answer is 503, not 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds after which a client may try again (the Retry-After header of a 503).
RETRY_AFTER_SECONDS = 30


def database_unavailable_response() -> HttpResponse:
    """A static page (no database, no context processors) saying the site is back in a moment."""
    response = HttpResponse(render_to_string("core/database_unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After instead of 500 while the database cannot be reached.

    First in MIDDLEWARE, so its ``process_exception`` is the last one asked about an exception from a
    view or its template. Nothing is kept from the failed request: Django closes the broken connection
    when the request ends (``close_old_connections``), and the next request connects anew, so the site
    recovers by itself once the database is back. The API answers the same with a problem document
    (``api/problems.py``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response()
