"""Reading the public data: what each list shows and hides, filters, the cursor, ETag and 304."""

from decimal import Decimal

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db


def _get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_ideas_list_public_ideas_only_with_their_attribution(api_client, world):
    data = _get(api_client, "/api/v1/ideas")
    ids = {idea["id"] for idea in data["results"]}
    assert ids == {idea.pk for idea in world["ideas"]} | {world["phoned"].pk}
    assert data["count"] == 4
    by_id = {idea["id"]: idea for idea in data["results"]}
    assert by_id[world["ideas"][0].pk]["attribution"] == "Clara Bürger"
    assert by_id[world["phoned"].pk]["attribution"] == "Telefonsprechstunde Mayen"
    assert by_id[world["ideas"][0].pk]["process"] == "mobil"
    assert by_id[world["ideas"][0].pk]["domains"] == ["mobilitaet"]


def test_hidden_idea_is_not_found(api_client, world):
    response = api_client.get(f"/api/v1/ideas/{world['hidden'].pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.parametrize("sort", ["newest", "supported", "discussed", "random"])
def test_cursor_walks_every_idea_once_in_order(api_client, world, sort):
    # Ties on the sort value (every idea has 0 supports) must neither repeat nor skip an idea.
    url, seen = f"/api/v1/ideas?sort={sort}&limit=1&seed=7", []
    while url:
        data = _get(api_client, url)
        seen += [idea["id"] for idea in data["results"]]
        url = data["next"]
    whole = [
        idea["id"] for idea in _get(api_client, f"/api/v1/ideas?sort={sort}&limit=100&seed=7")["results"]
    ]
    assert seen == whole
    assert len(set(seen)) == 4


def test_cursor_of_another_sort_or_garbage_is_a_clear_422(api_client, world):
    first = _get(api_client, "/api/v1/ideas?sort=newest&limit=1")
    cursor = first["next"].split("cursor=")[1]
    for url in (
        f"/api/v1/ideas?sort=supported&cursor={cursor}",
        "/api/v1/ideas?cursor=%%%",
        "/api/v1/ideas?cursor=e30",
    ):
        response = api_client.get(url)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "cursor"


def test_filters_and_german_search(api_client, world):
    assert _get(api_client, "/api/v1/ideas?q=Radwegen")["count"] == 4  # a word form finds "Radweg"
    assert _get(api_client, "/api/v1/ideas?q=telefonischen")["count"] == 1
    assert _get(api_client, "/api/v1/ideas?channel=phone")["count"] == 1


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/ideas?municipality=atlantis", "municipality"),
        ("/api/v1/ideas?process=anderes", "process"),
        ("/api/v1/ideas?domain=zauberei", "domain"),
        ("/api/v1/measures?municipality=atlantis", "municipality"),
        ("/api/v1/measures?strategy=keine", "strategy"),
    ],
)
def test_an_unknown_slug_is_a_422_like_an_unknown_status(api_client, world, url, field):
    """A typo in a filter must not look like "nothing there": it is answered as ``status=foo`` is."""
    response = api_client.get(url)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["detail"] == "Bitte prüfen Sie Ihre Eingaben."
    [error] = problem["errors"]
    assert error["field"] == field
    assert error["message"].startswith("Hier gibt es nichts mit dem Kurznamen")


def test_coordinates_are_numbers(api_client, world):
    rows = _get(api_client, "/api/v1/municipalities")
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert rows
    for row in rows:
        assert isinstance(row["latitude"], float)
        assert isinstance(row["longitude"], float)


def test_bad_query_values_name_the_field_in_german(api_client, world):
    response = api_client.get("/api/v1/ideas?limit=0&sort=beliebt")
    assert response.status_code == 422
    problem = response.json()
    fields = {error["field"]: error["message"] for error in problem["errors"]}
    assert fields["limit"] == "Der Wert muss mindestens 1 sein."
    assert fields["sort"].startswith("Bitte wählen Sie einen der Werte")
    assert problem["detail"] == "Bitte prüfen Sie Ihre Eingaben."


def test_comments_show_hidden_ones_without_their_text(api_client, world):
    data = _get(api_client, f"/api/v1/ideas/{world['ideas'][0].pk}/comments")
    states = {comment["state"]: comment for comment in data["results"]}
    assert states["visible"]["body"] == "Ein öffentlicher Kommentar."
    assert states["visible"]["author"] == "Clara Bürger"
    assert states["hidden"]["body"] is None
    assert states["hidden"]["author"] is None


def test_measure_detail_carries_the_chain(api_client, world):
    data = _get(api_client, f"/api/v1/measures/{world['measure'].slug}")
    assert data["ideas"] == [
        {"idea": world["ideas"][0].pk, "title": "Radweg Nummer 0", "note": "Aufgenommen."}
    ]
    assert data["budget_lines"][0]["planned"] == "300.00"
    assert data["budget_lines"][0]["year"] == 2026
    assert data["milestones"][0]["title"] == "Bänke aufgestellt"
    assert data["milestones"][0]["state"] in ("open", "overdue")
    assert data["indicators"][0]["latest_value"] == "12.00"
    values = _get(api_client, data["indicators"][0]["values_url"].removeprefix("http://testserver"))
    assert values == [{"measured_on": "2026-06-01", "value": "12.00", "source": "Zählung"}]


def test_unpublished_measure_and_its_indicators_stay_hidden(api_client, world):
    assert api_client.get(f"/api/v1/measures/{world['secret_measure'].slug}").status_code == 404
    listed = [m["slug"] for m in _get(api_client, "/api/v1/measures")["results"]]
    assert listed == [world["measure"].slug]


def test_funding_sources_count_published_measures_only(api_client, world):
    federal = next(s for s in _get(api_client, "/api/v1/funding-sources") if s["name"] == "Bund")
    assert federal["planned"] == "300.00"
    assert federal["amount"] == "1000.00"


def test_funding_sources_show_the_funders_rates(api_client, world):
    from smartregion.program.models import FundingSource

    FundingSource.objects.filter(name="Bund").update(
        max_rate=Decimal("60"), emergency_rate=Decimal("90"), budget_emergency=True
    )
    federal = next(s for s in _get(api_client, "/api/v1/funding-sources") if s["name"] == "Bund")
    assert (federal["max_rate"], federal["emergency_rate"]) == ("60.00", "90.00")
    assert federal["budget_emergency"] is True
    assert federal["rate"] == "90.00"  # the emergency rate applies


def test_etag_and_last_modified_answer_304_until_something_changes(
    api_client, world, django_capture_on_commit_callbacks
):
    url = f"/api/v1/ideas/{world['ideas'][0].pk}"
    first = api_client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api_client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert api_client.get(url, HTTP_IF_NONE_MATCH='"anderes"').status_code == 200
    idea = world["ideas"][0]
    idea.title = "Radweg, neu benannt"
    with django_capture_on_commit_callbacks(execute=True):
        idea.save()  # any saved idea retires the participation namespace (on commit)
    changed = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_a_cache_hit_makes_no_query(api_client, world, django_assert_num_queries):
    url = "/api/v1/ideas"
    etag = api_client.get(url)["ETag"]
    with django_assert_num_queries(0):
        assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    caches["pages"].clear()
    assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304  # same content, same tag


def test_unknown_address_is_a_problem_document(api_client, db):
    response = api_client.get("/api/v1/gibt-es-nicht")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Unter dieser Adresse gibt es nichts."


@pytest.mark.parametrize(
    "url", ["/api/v1/ideas?q=Rad%00weg", "/api/v1/ideas?process=%00", "/api/v1/measures/ab%00c"]
)
def test_nul_characters_are_refused_not_stored_or_compared(api_client, world, url):
    # PostgreSQL cannot compare text with NUL; schemathesis found the 500 this used to be.
    response = api_client.get(url)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "Dieser Text enthält Zeichen, die nicht erlaubt sind."
