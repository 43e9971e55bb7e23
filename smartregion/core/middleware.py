"""Request middleware shared by every app."""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin

from .http import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, UNAVAILABLE_RETRY_AFTER_SECONDS

# No page uses a camera, microphone, the position ("my location" is not offered on the maps), payment or
# devices: browsers refuse them to the site and to anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

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


def database_unavailable_response() -> HttpResponse:
    """A static page (no database, no context processors) saying the site is back in a moment."""
    response = HttpResponse(render_to_string("core/database_unavailable.html"), status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
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


class RequestSizeLimitMiddleware(MiddlewareMixin):
    """Refuse a body that is too large by its Content-Length, before anything reads it (413).

    Runs as a view hook, ahead of the CSRF check (which reads a POST's body), so that the refusal is a page
    in the site's layout (or a problem document under /api/v1/, api.middleware). A body without a file
    (a form, JSON) may be DATA_UPLOAD_MAX_MEMORY_SIZE at most, one with files REQUEST_BODY_MAX_BYTES; the
    proxy refuses larger ones before they reach the app (deploy/nginx.conf, client_max_body_size).
    """

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None  # Django itself treats an unreadable length as no body
        multipart = (request.content_type or "").startswith("multipart/")
        limit = settings.REQUEST_BODY_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            return render(request, "413.html", {"limit": limit}, status=413)
        return None


class ResponseHeadersMiddleware:
    """Headers every answer carries: Permissions-Policy, and Retry-After on a 429 (pages, API, allauth)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if response.status_code == 429:
            response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
        return response
