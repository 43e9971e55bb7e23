"""What the catalogue and the downloads say about the data: licence, publisher, contact, vocabularies.

The values come from the OPENDATA_* settings (config/settings/base.py), with the region as fallback.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.urls import reverse

from smartregion.network.selectors import region_get

from .datasets import DATASETS, Dataset, Version
from .formats import FORMATS

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_LANGUAGE_GERMAN = "http://publications.europa.eu/resource/authority/language/DEU"
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class License:
    """A licence the data can be published under, with its URI in the dcat-ap.de licence vocabulary."""

    key: str
    uri: str
    name: str
    short_name: str
    url: str


LICENSES = {
    "dl-by-de/2.0": License(
        "dl-by-de/2.0",
        "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
        "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "dl-de/by-2-0",
        "https://www.govdata.de/dl-de/by-2-0",
    ),
    "cc-by/4.0": License(
        "cc-by/4.0",
        "http://dcat-ap.de/def/licenses/cc-by/4.0",
        "Creative Commons Namensnennung – 4.0 International (CC BY 4.0)",
        "CC BY 4.0",
        "https://creativecommons.org/licenses/by/4.0/deed.de",
    ),
}


@register()
def check_opendata_settings(**kwargs: Any) -> list[CheckMessage]:
    """The licence must be one the catalogue can name."""
    if settings.OPENDATA_LICENSE not in LICENSES:
        return [
            Error(
                f"OPENDATA_LICENSE={settings.OPENDATA_LICENSE!r} is not one of {sorted(LICENSES)}.",
                id="opendata.E001",
            )
        ]
    return []


def current_license() -> License:
    """The licence of every dataset (settings.OPENDATA_LICENSE)."""
    return LICENSES[settings.OPENDATA_LICENSE]


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str
    email: str


def publisher() -> Publisher:
    """Who publishes the data: the settings, else the region's operator and the site (one query)."""
    name = settings.OPENDATA_PUBLISHER_NAME
    if not name:
        region = region_get()
        name = region.operator if region else "SmartRegion"
    return Publisher(
        name=name,
        url=settings.OPENDATA_PUBLISHER_URL or settings.SITE_URL + "/",
        email=settings.PROGRAM_OFFICE_EMAIL,
    )


def frequency_uri(value: str) -> str:
    """A frequency as a URI of the EU vocabulary ("DAILY" or the whole URI)."""
    return value if value.startswith("http") else EU_FREQUENCY + value.upper()


def download_path(dataset: Dataset, fmt: str) -> str:
    return reverse("opendata:download", kwargs={"slug": dataset.slug, "fmt": fmt})


def download_url(dataset: Dataset, fmt: str) -> str:
    """The stable, absolute address of a download (SITE_URL, not the request's host)."""
    return settings.SITE_URL + download_path(dataset, fmt)


def dataset_uri(dataset: Dataset) -> str:
    """The dataset's identifier in the catalogue: its entry on the open-data page."""
    return f"{settings.SITE_URL}{reverse('opendata:index')}#{dataset.slug}"


def dataset_meta(dataset: Dataset, version: Version | None = None) -> dict[str, Any]:
    """What a JSON or GeoJSON download says about itself (no query unless the publisher is configured
    from the region)."""
    licence = current_license()
    return {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "license": licence.uri,
        "license_name": licence.name,
        "publisher": publisher().name,
        "source": dataset_uri(dataset),
        "modified": version.modified.isoformat(timespec="seconds") if version and version.modified else None,
    }


@dataclass(frozen=True)
class Distribution:
    format: str
    label: str
    url: str
    media_type: str
    file_type: str


@dataclass(frozen=True)
class CatalogEntry:
    dataset: Dataset
    uri: str
    modified: datetime | None
    periodicity: str
    themes: list[str]
    distributions: list[Distribution]


def catalog_entries() -> list[CatalogEntry]:
    """Every dataset with its distributions, for the catalogue and the page (a fixed number of queries)."""
    entries = []
    for dataset in DATASETS:
        version = dataset.version()
        entries.append(
            CatalogEntry(
                dataset=dataset,
                uri=dataset_uri(dataset),
                modified=version.modified,
                periodicity=frequency_uri(dataset.periodicity),
                themes=[EU_THEME + theme for theme in dataset.themes],
                distributions=[
                    Distribution(
                        format=fmt,
                        label=FORMATS[fmt].label,
                        url=download_url(dataset, fmt),
                        media_type=IANA_MEDIA_TYPE + FORMATS[fmt].media_type,
                        file_type=EU_FILE_TYPE + FORMATS[fmt].eu_file_type,
                    )
                    for fmt in dataset.formats
                ],
            )
        )
    return entries
