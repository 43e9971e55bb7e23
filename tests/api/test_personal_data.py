"""Personal data never leaves through the public API: every read endpoint of the schema, walked with
every object it can name, while unmistakable personal data is seeded everywhere the platform keeps some
(tests/personal_data.py, shared with the open-data walk)."""

import re

import pytest

from smartregion.api.main import api
from smartregion.events.models import Event, EventFormat, Registration
from smartregion.participation.models import Idea
from smartregion.program.models import Indicator
from smartregion.strategy.models import Measure
from smartregion.surveys.models import Survey

from ..events.factories import EventFactory
from ..personal_data import SeededSecrets, assert_no_leak, seed_personal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def secrets(world, municipality, office) -> SeededSecrets:
    seeded = seed_personal_data(municipality=municipality, office=office, measure=world["measure"])
    # An event with a guest's registration and the online link that only registered people receive.
    event = EventFactory(
        title="Öffentliche Werkstatt Datenschutzprobe",
        slug="werkstatt-datenschutzprobe",
        municipality=municipality,
        format=EventFormat.HYBRID,
        online_url="https://konferenz.example.net/geheimer-raum-4711",
    )
    Registration.objects.create(
        event=event,
        name="Gerlinde Gastmann",
        email="gerlinde.gast@example.net",
        status="confirmed",
        token="t1",
    )
    EventFactory(
        title="Entwurf Veranstaltung Intern", slug="entwurf-veranstaltung", status=Event.Status.DRAFT
    )
    seeded.public["event title"] = event.title
    seeded.personal["guest name"] = "Gerlinde Gastmann"
    seeded.personal["guest e-mail"] = "gerlinde.gast@example.net"
    seeded.hidden["online link"] = "geheimer-raum-4711"
    seeded.hidden["draft event"] = "Entwurf Veranstaltung Intern"
    return seeded


def api_addresses() -> list[tuple[str, str]]:
    """(schema path, address) for every GET path, once per object (public or not) its parameter names."""
    values = {
        "idea_id": list(Idea.objects.values_list("pk", flat=True)),
        "slug": [
            *Measure.objects.values_list("slug", flat=True),
            "mobil",
            "datenschutzprobe",
            "entwurf-intern",
            *Event.objects.values_list("slug", flat=True),
        ],
        "indicator_id": list(Indicator.objects.values_list("pk", flat=True)),
        "survey_id": list(Survey.objects.values_list("pk", flat=True)),
    }
    addresses = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        names = re.findall(r"{(\w+)}", path)
        if not names:
            addresses.append((path, f"{path}?limit=100" if path.endswith(("/ideas", "/measures")) else path))
            continue
        (name,) = names
        addresses += [(path, path.replace(f"{{{name}}}", str(value))) for value in values[name]]
    return addresses


def test_no_api_address_leaks_personal_data(client, secrets: SeededSecrets):
    read = ""
    answered = set()
    for path, address in api_addresses():
        response = client.get(address)
        assert response.status_code in (200, 404), address
        read += assert_no_leak(response, secrets, where=address)
        if response.status_code == 200:
            answered.add(path)
    # Every operation answered at least once, and the walk saw the public data next to the secrets.
    assert len(answered) == len({path for path, _address in api_addresses()}), answered
    for label, value in secrets.public.items():
        assert value in read, f"the walk never saw the {label} {value!r}"
