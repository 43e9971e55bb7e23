"""The open-data page, the downloads and the DCAT-AP.de catalogue.

Everything here is public and read-only, for anonymous visitors as for everyone: the data do not depend
on who asks (always the anonymous view of the selectors). HEAD is answered too: harvesters check
the catalogue's addresses with it. Downloads allow cross-origin reads
(``Access-Control-Allow-Origin: *``): they are public, need no cookie, and other apps read them.
"""

import hashlib
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from smartregion.core.http import allow_any_origin

from . import catalog
from .datasets import dataset_get
from .formats import DATA_LANGUAGE, FORMATS, csv_chunks, geojson_chunks, json_chunks, xlsx_file

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


@require_safe
def download(request: HttpRequest, slug: str, fmt: str) -> Any:
    """One dataset in one format; 304 when the client's copy (ETag) is current."""
    dataset = dataset_get(slug)
    if dataset is None or fmt not in dataset.formats:
        raise Http404
    version = dataset.version()
    # What else shapes the file: its columns (a new release), the licence and the site's address in it.
    shape = hashlib.sha256(
        repr(
            (version.fingerprint, dataset.column_names, settings.OPENDATA_LICENSE, settings.SITE_URL)
        ).encode()
    ).hexdigest()[:32]
    etag = f'"{dataset.slug}-{fmt}-{shape}"'
    last_modified = int(version.modified.timestamp()) if version.modified else None
    # Only the ETag decides: counters (supports, comments) change without touching a timestamp, so
    # If-Modified-Since alone could answer 304 for a changed file.
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["ETag"] = etag
        return _public(not_modified)
    response: Any
    file_format = FORMATS[fmt]
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(dataset), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = StreamingHttpResponse(
            json_chunks(dataset, catalog.dataset_meta(dataset, version)),
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "geojson":
        response = StreamingHttpResponse(
            geojson_chunks(dataset, catalog.dataset_meta(dataset, version)),
            content_type="application/geo+json; charset=utf-8",
        )
    else:
        with translation.override(DATA_LANGUAGE):
            title = str(dataset.title)
        response = FileResponse(xlsx_file(dataset, title), content_type=file_format.media_type)
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.{fmt}"'
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
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
