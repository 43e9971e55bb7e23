"""Personal data never leaves through the public API: every read endpoint, walked with every object of the
world, must answer without an e-mail address, an assisted contributor's name or contact, a demographic
field or an unpublished assessment."""

import json
import re

import pytest

from smartregion.api.main import api

from .conftest import SECRETS

pytestmark = pytest.mark.django_db

FORBIDDEN_KEYS = {"email", "contact", "contributor_name", "contributor_contact", "age_group", "comment"}


def _addresses(world) -> list[str]:
    """Every GET path of the schema, once per object its parameters can name."""
    values = {
        "slug": ["mobil", world["measure"].slug, world["secret_measure"].slug],
        "idea_id": [idea.pk for idea in (*world["ideas"], world["hidden"], world["phoned"])],
        "indicator_id": [world["indicator"].pk],
    }
    addresses = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        names = re.findall(r"{(\w+)}", path)
        if not names:
            addresses.append(f"{path}?limit=100" if "limit" in json.dumps(operations["get"]) else path)
            continue
        (name,) = names
        addresses += [path.replace(f"{{{name}}}", str(value)) for value in values[name]]
    return addresses


def _keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in _keys(value)}
    if isinstance(data, list):
        return {key for value in data for key in _keys(value)}
    return set()


def test_no_public_endpoint_reveals_personal_data(client, world):
    addresses = _addresses(world)
    assert len(addresses) >= 20
    answered = 0
    for address in addresses:
        response = client.get(address)
        assert response.status_code in (200, 404), address
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaks through {address}"
        if response.status_code == 200:
            answered += 1
            assert not _keys(response.json()) & FORBIDDEN_KEYS, address
    assert answered >= 18


def test_the_walk_would_notice_a_leak(client, world):
    """The walk is only worth something if the secrets are really there to be found."""
    phoned = world["phoned"]
    assert phoned.assisted.contributor_name in SECRETS
    assert world["author"].email in SECRETS
