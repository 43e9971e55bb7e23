"""``manage.py seed_demo``: the MYK demo data, idempotent, and never by accident in production."""

import csv
from functools import partial
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command

from smartregion.accounts.demo import DEMO_PASSWORD, PERSONAS
from smartregion.accounts.models import Role, RoleGrant, User
from smartregion.network.demo import DATA_DIR
from smartregion.network.models import Membership, Municipality, Organization, Region

from ..seeded_once import seeded_once


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_refuses_without_force_outside_the_demo_settings(db, settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match="--force"):
        _seed()

    assert not Region.objects.exists()
    assert not User.objects.exists()


def test_runs_without_force_with_the_demo_settings(db, settings):
    settings.DEMO_MODE = True

    _seed()

    assert Region.objects.count() == 1


def test_if_empty_seeds_an_empty_database(db):
    _seed("--force", "--if-empty")

    assert Municipality.objects.count() == 10


# The tests below read the demo seeded once for the module (the tests above need an empty database, so they
# come first: the seed stays until the module ends).
@pytest.fixture(scope="module")
def _seeded_module(django_db_setup, django_db_blocker):
    with seeded_once(django_db_blocker, partial(_seed, "--force")):
        yield


@pytest.fixture
def seeded(_seeded_module, db):
    pass


def test_loads_the_ten_municipalities_with_their_populations(seeded):
    with (DATA_DIR / "myk_municipalities.csv").open(encoding="utf-8") as handle:
        expected = {row["name"]: int(row["population"]) for row in csv.DictReader(handle)}

    assert len(expected) == 10
    assert dict(Municipality.objects.values_list("name", "population")) == expected
    assert Region.objects.get().name == "Landkreis Mayen-Koblenz"


def test_loads_organizations_of_every_kind(seeded):
    assert 65 <= Organization.objects.count() <= 75
    assert set(Organization.objects.values_list("kind", flat=True)) == set(Organization.Kind.values)
    # Every municipality has its administration.
    assert Organization.objects.filter(kind=Organization.Kind.MUNICIPAL_ADMINISTRATION).count() == 10


def test_expert_board_has_twelve_current_members_who_are_experts(seeded):
    board = Membership.objects.filter(organization__kind=Organization.Kind.EXPERT_BOARD, until__isnull=True)

    assert board.count() == 12
    assert board.filter(role=Membership.Role.CHAIR).count() == 1
    experts = set(RoleGrant.objects.filter(role=Role.EXPERT).values_list("user", flat=True))
    assert set(board.values_list("user", flat=True)) == experts


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.email for p in PERSONAS])
def test_personas_can_sign_in_with_the_demo_password(client, seeded, persona):
    assert client.login(email=persona.email, password=DEMO_PASSWORD)
    assert EmailAddress.objects.get(email=persona.email).verified


# Written out rather than read from PERSONAS, so a change of the demo data has to change the README too.
DOCUMENTED_ROLES = {
    "clara.buerger@example.org": set(),
    "mira.moderation@example.org": {("moderator", None)},
    "konrad.koordination@example.org": {("coordinator", "Andernach"), ("coordinator", "Mendig")},
    "eva.experte@example.org": {("expert", None)},
    "paul.programmbuero@example.org": {("program_office", None)},
}


@pytest.mark.parametrize(("email", "roles"), DOCUMENTED_ROLES.items())
def test_personas_hold_the_documented_roles(seeded, email, roles):
    grants = RoleGrant.objects.filter(user__email=email).values_list("role", "municipality__name")
    assert set(grants) == roles


def test_program_office_persona_opens_the_admin(client, seeded):
    client.login(email="paul.programmbuero@example.org", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_running_it_twice_changes_no_counts(seeded):
    before = _counts()

    _seed("--force")

    assert _counts() == before


def test_if_empty_does_nothing_when_a_region_exists(seeded):
    before = _counts()
    Municipality.objects.filter(name="Mendig").update(population=1)

    output = _seed("--force", "--if-empty")

    assert "nothing to do" in output
    assert _counts() == before
    assert Municipality.objects.get(name="Mendig").population == 1
