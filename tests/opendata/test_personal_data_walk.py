"""The personal-data walk: every open-data address (page, downloads in every format, catalogue, feeds,
calendars) read with unmistakable personal data seeded everywhere the platform keeps some, and none of it
may appear (tests/personal_data.py lists what is seeded)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from smartregion.opendata import urls as opendata_urls
from smartregion.opendata.datasets import DATASETS
from smartregion.participation import selectors as participation

from ..personal_data import SeededSecrets, assert_no_leak


def opendata_addresses() -> dict[str, list[str]]:
    """Every address the opendata app serves, by URL name, for every dataset, format and public process."""
    processes = [p.slug for p in participation.process_list(viewer=AnonymousUser())]
    expand = {
        "download": [{"slug": d.slug, "fmt": fmt} for d in DATASETS for fmt in d.formats],
        "process_idea_feed": [{"slug": slug} for slug in processes],
        "process_calendar": [{"slug": slug} for slug in processes],
    }
    return {
        pattern.name: [
            reverse(f"opendata:{pattern.name}", kwargs=kwargs) for kwargs in expand.get(pattern.name, [{}])
        ]
        for pattern in opendata_urls.urlpatterns
    }


def test_no_open_data_address_leaks_personal_data(client, secrets: SeededSecrets):
    addresses = opendata_addresses()

    # Every route is walked, with at least one address (a new route without one fails here).
    assert all(addresses.values()), addresses
    read = ""
    for name, urls in addresses.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            read += assert_no_leak(response, secrets, where=f"{name} {url}")

    # The walk read the public data next to the secrets: it would have seen them.
    for label, value in secrets.public.items():
        assert value in read, f"the walk never saw the {label} {value!r}"
    assert "Telefonsprechstunde" not in read  # not even the public attribution: no author data at all


def test_the_walk_would_notice_a_leak(client, secrets: SeededSecrets):
    """The helper itself: a page that does show a secret fails it."""
    from django.http import HttpResponse

    leaking = HttpResponse(f"Kontakt: {secrets.personal['contributor phone']}")

    with pytest.raises(AssertionError, match="contributor phone"):
        assert_no_leak(leaking, secrets, where="x")
