"""The API's OpenAPI 3.1 schema: committed, never drifting, and kept by the API (schemathesis)."""

import json
import os
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from ninja.responses import NinjaJSONEncoder

from smartregion.api import services as tokens
from smartregion.api.main import api
from smartregion.api.problems import problem_types

from ..factories import UserFactory

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"
REGENERATE = "make openapi"


def test_committed_schema_matches_the_code():
    current = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == current, f"docs/api/openapi.json is out of date: run `{REGENERATE}` and commit it."


def test_schema_is_openapi_3_1_with_problem_answers():
    schema = api.get_openapi_schema()
    assert schema["openapi"].startswith("3.1")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)


def test_reference_page_lists_every_operation_and_problem_type(client, db):
    page = client.get("/api/v1/docs").content.decode()
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            assert f'id="{operation["operationId"]}"' in page, (method, path)
    for slug, _title in problem_types().values():
        assert f'id="problem-{slug}"' in page


def test_problem_types_point_to_the_reference(api_client, db):
    problem = api_client.get("/api/v1/ideas?limit=0").json()
    assert problem["type"] == "/api/v1/docs#problem-invalid-input"


def test_interactive_documentation_is_served_from_this_site(client):
    response = client.get("/api/v1/docs/interaktiv")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


fuzzed = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_connection():
    """schemathesis calls the WSGI application itself, which closes the database connection after each
    request (and with it the test's transaction on PostgreSQL); Django's test client prevents that the
    same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer_header(db):
    _token, secret = tokens.token_create(user=UserFactory(), name="Schemathesis", lifetime_days=30)
    return {"Authorization": f"Bearer {secret}"}


# Deterministic in CI (the same examples every run, so a red run is reproducible); a deeper, random search:
# API_FUZZ_EXAMPLES=500 API_FUZZ_RANDOM=1 make test PYTEST_ARGS=tests/api/test_schema.py
@fuzzed.parametrize()
@settings(
    max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "25")),
    derandomize=not os.environ.get("API_FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_keeps_its_schema(case, world, bearer_header, keep_connection):
    """No server errors, and every answer as the schema says: status, media type, body."""
    case.call_and_validate(
        headers=bearer_header,
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
