"""The open-data page, the downloads and the DCAT-AP.de catalogue.

Everything here is public and read-only, for anonymous visitors as for everyone: the data do not depend
on who asks (always the anonymous view of the selectors). HEAD is answered too: harvesters check
the catalogue's addresses with it. Downloads allow cross-origin reads
(``Access-Control-Allow-Origin: *``): they are public, need no cookie, and other apps read them.
"""

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from smartregion.core.http import allow_any_origin

from . import catalog, publish
from .datasets import dataset_get
from .formats import DATA_LANGUAGE, FORMATS

CACHE_SECONDS = 300


def _public(response: HttpResponse | StreamingHttpResponse | FileResponse) -> Any:
    allow_any_origin(response)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Every dataset with its description, columns, licence and downloads; the catalogue and the feeds."""
    return render(
        request,
        "opendata/index.html",
        {
            "entries": catalog.catalog_entries(),
            "license": catalog.current_license(),
            "publisher": catalog.publisher(),
        },
    )


# What the browser is told each file holds.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
    "xlsx": FORMATS["xlsx"].media_type,
}
# Before a download's first file exists (publish.py), the client is asked to come back after this.
RETRY_AFTER_SECONDS = 30


@require_safe
def download(request: HttpRequest, slug: str, fmt: str) -> Any:
    """One dataset in one format, from the file the task wrote (publish.py); 304 when the client's copy
    (ETag) is current, 503 with Retry-After before the first file exists."""
    dataset = dataset_get(slug)
    if dataset is None or fmt not in dataset.formats:
        raise Http404
    shape = publish.shape_of(dataset, dataset.version())
    current = publish.etag_of(dataset.slug, fmt, shape)
    published = publish.find(dataset, fmt, shape)
    if published is None or published.etag != current:
        publish.schedule(dataset, fmt)
        # With the immediate task backend the file is there now; with a queue the newest older one (if
        # any) is served meanwhile, under its own ETag.
        published = publish.find(dataset, fmt, shape)
    if published is None:
        unavailable = render(
            request, "opendata/unavailable.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503
        )
        unavailable["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return unavailable
    # Only the ETag decides: counters (supports, comments) change without touching a timestamp, so
    # If-Modified-Since alone could answer 304 for a changed file.
    not_modified = get_conditional_response(request, etag=published.etag)
    if not_modified is not None:
        not_modified["ETag"] = published.etag
        return _public(not_modified)
    response: Any
    if settings.OPENDATA_ACCEL_REDIRECT:
        # nginx sends the file from its internal location (deploy/nginx/smartregion.conf).
        response = HttpResponse(content_type=CONTENT_TYPES[fmt])
        response["X-Accel-Redirect"] = settings.OPENDATA_ACCEL_REDIRECT + published.path.name
    else:
        response = FileResponse(published.path.open("rb"), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.{fmt}"'
    response["ETag"] = published.etag
    response["Last-Modified"] = http_date(published.modified)
    return _public(response)


@require_safe
def catalog_rdf(request: HttpRequest) -> HttpResponse:
    """The DCAT-AP.de catalogue of every dataset as RDF/XML, for GovData and other harvesters."""
    entries = catalog.catalog_entries()
    modified = max((entry.modified for entry in entries if entry.modified), default=None)
    # The catalogue describes German data for German portals, whatever the visitor's language.
    with translation.override(DATA_LANGUAGE):
        response = render(
            request,
            "opendata/catalog.rdf",
            {
                "entries": entries,
                "modified": modified,
                "license": catalog.current_license(),
                "publisher": catalog.publisher(),
                "settings": _catalog_settings(),
            },
            content_type="application/rdf+xml; charset=utf-8",
        )
    return _public(response)


def _catalog_settings() -> dict[str, str]:
    return {
        "site_url": settings.SITE_URL,
        "contributor_id": settings.OPENDATA_CONTRIBUTOR_ID,
        "geocoding_uri": settings.OPENDATA_POLITICAL_GEOCODING_URI,
        "geocoding_level_uri": settings.OPENDATA_POLITICAL_GEOCODING_LEVEL_URI,
        "language": catalog.EU_LANGUAGE_GERMAN,
    }
