"""What holds for every answer under /api/v1/, also those no endpoint gives: a too-large body is a 413
problem (not a 500), a wrong method a 405 problem, a 429 says when to come back, reads are open to
other origins (CORS) without credentials, writes are not."""

import json

import pytest

from ..factories import UserFactory
from .conftest import bearer_client

pytestmark = pytest.mark.django_db
BIG = 5 * 1024 * 1024


@pytest.fixture
def bearer(db):
    return bearer_client(UserFactory())


def _problem(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize("target", ["ideas", "comments"])
def test_a_five_megabyte_body_is_a_413_problem(bearer, world, target):
    url = "/api/v1/ideas" if target == "ideas" else f"/api/v1/ideas/{world['ideas'][0].pk}/comments"
    payload = json.dumps({"process": "mobil", "title": "Groß", "body": "x" * BIG})

    body = _problem(bearer.post(url, data=payload, content_type="application/json"), 413)

    assert body["detail"] == "Die Anfrage ist zu groß."
    assert body["type"].endswith("#problem-content-too-large")


def test_a_wrong_method_is_a_405_problem_with_allow(api_client, world):
    response = api_client.delete("/api/v1/ideas")

    _problem(response, 405)
    assert "GET" in response["Allow"]


def test_a_429_problem_says_when_to_try_again(bearer, world):
    url = f"/api/v1/ideas/{world['ideas'][0].pk}/comments"
    for number in range(30):
        bearer.post(url, data=json.dumps({"body": f"Kommentar {number}"}), content_type="application/json")

    response = bearer.post(url, data=json.dumps({"body": "Einer zu viel"}), content_type="application/json")

    _problem(response, 429)
    assert int(response["Retry-After"]) > 0


def test_reads_are_open_to_other_origins_without_credentials(api_client, world):
    response = api_client.get("/api/v1/ideas", HTTP_ORIGIN="https://karte.example.net")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_for_a_conditional_read_is_answered(api_client, world):
    response = api_client.options(
        "/api/v1/ideas",
        HTTP_ORIGIN="https://karte.example.net",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert "POST" not in response["Access-Control-Allow-Methods"]


def test_writes_are_not_opened_to_other_origins(bearer, world):
    preflight = bearer.options(
        "/api/v1/ideas", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    write = bearer.post("/api/v1/ideas", data="{}", content_type="application/json")

    assert "Access-Control-Allow-Origin" not in preflight
    assert "Access-Control-Allow-Origin" not in write


def test_open_data_files_and_api_reads_share_one_cors_answer(api_client, world):
    api = api_client.get("/api/v1/ideas")
    download = api_client.get("/offene-daten/ideen.csv")

    assert download.status_code == 200
    for header in ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers"):
        assert api[header] == download[header]
