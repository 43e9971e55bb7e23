"""The API: /api/v1/, its OpenAPI 3.1 schema and its documentation page."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import problems
from .endpoints import events, network, participation, strategy, surveys

DESCRIPTION = """Die öffentliche Schnittstelle von SmartRegion: alles, was die Seiten öffentlich zeigen,
als JSON, und für angemeldete Personen Ideen einreichen, unterstützen und kommentieren.

* **Lesen** braucht keine Anmeldung. Jede Antwort trägt `ETag` und `Last-Modified`; wer sie mit
  `If-None-Match` oder `If-Modified-Since` zurückschickt, erhält `304 Not Modified`, solange sich nichts
  geändert hat.
* **Schreiben** braucht einen persönlichen API-Schlüssel (`Authorization: Bearer sr_…`, anzulegen im
  Profil unter „API-Schlüssel“) oder die Sitzung im Browser mit dem CSRF-Token im Kopf `X-CSRFToken`.
  Es gelten dieselben Regeln und Grenzen wie auf den Seiten.
* **Listen** von Ideen, Kommentaren, Maßnahmen und Veranstaltungen kommen seitenweise: `next` nennt die
  Adresse der nächsten Seite (Cursor), `limit` die Zahl der Einträge (höchstens 100).
* **Fehler** kommen als `application/problem+json` (RFC 9457) mit `title`, `detail` und bei falschen
  Eingaben `errors` mit dem Feld und der Meldung.
"""


class SmartRegionApi(NinjaAPI):
    """Declares error answers as application/problem+json in the schema, as they are sent, and names
    operations after their functions."""

    def get_openapi_operation_id(self, operation: Any) -> str:
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[problems.MEDIA_TYPE] = content.pop("application/json")
        return schema


class Utf8JsonRenderer(JSONRenderer):
    """JSON in UTF-8 as it is, not as \\u escapes: German text stays readable, and shorter."""

    json_dumps_params = {"ensure_ascii": False}


api = SmartRegionApi(
    renderer=Utf8JsonRenderer(),
    title="SmartRegion API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url="/docs/interaktiv",
    openapi_url="/openapi.json",
)
problems.install(api)
api.add_router("", network.router)
api.add_router("", participation.router)
api.add_router("", strategy.router)
api.add_router("", events.router)
api.add_router("", surveys.router)


def documentation(request: HttpRequest) -> HttpResponse:
    """The API's reference page (accessible, in the site's layout), read off the schema."""
    from . import reference

    return render(
        request,
        "api/docs.html",
        {"sections": reference.sections(), "problems": reference.problems(), "answers": reference.answers()},
    )


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Addresses under /api/v1/ that name no endpoint: a problem document, not the HTML 404 page."""
    return problems.problem_response(request, 404, str(_("There is nothing at this address.")))
