"""What holds for every answer under /api/v1/, including those no endpoint gives (a wrong method, a body
the site refuses before routing): errors are problem documents, and public reads are open to other
origins (CORS) as the open-data files are."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

from smartregion.core.http import allow_any_origin

from . import problems

PREFIX = "/api/v1/"
READS = ("GET", "HEAD", "OPTIONS")
# Request headers a reading client may send along: conditional requests for 304 answers, the language.
READ_HEADERS = "Accept, Accept-Language, If-Modified-Since, If-None-Match"
# Headers of the original answer that still hold for the problem document that replaces it.
KEPT_HEADERS = ("Allow", "Retry-After")


def _detail(status: int) -> str:
    if status == 405:
        return _("This address does not support this request method.")
    if status == 413:
        return _("The request is too large.")
    return problems.problem_types().get(status, ("error", _("Error")))[1]


class ApiMiddleware:
    """Problem documents for every error under /api/v1/; CORS for reads (GET, HEAD, their preflight)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method") in READS:
            preflight = HttpResponse(status=204)
            preflight["Access-Control-Allow-Methods"] = ", ".join(READS)
            preflight["Access-Control-Allow-Headers"] = READ_HEADERS
            preflight["Access-Control-Max-Age"] = "86400"
            return allow_any_origin(preflight)
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            problems.MEDIA_TYPE
        ):
            problem = problems.problem_response(request, response.status_code, _detail(response.status_code))
            for header in KEPT_HEADERS:
                if header in response:
                    problem[header] = response[header]
            response = problem
        if request.method in ("GET", "HEAD"):
            allow_any_origin(response)
        return response
