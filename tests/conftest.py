"""Shared fixtures: the region, one person per role, and the rules for tests that need real services.

A test marked ``browser`` or ``postgres`` skips with a reason when the service is missing, unless
SMARTREGION_REQUIRE names it (CI sets it): then the missing service fails the test run.
"""

import os
import shutil
from collections.abc import Callable

import pytest
from django.db import connection

from smartregion.accounts.models import Role, User

from .factories import MunicipalityFactory, RegionFactory, RoleGrantFactory, UserFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRED = {item.strip() for item in os.environ.get("SMARTREGION_REQUIRE", "").split(",") if item.strip()}


def _missing(what: str, reason: str) -> None:
    if what in REQUIRED:
        pytest.fail(f"{reason} (SMARTREGION_REQUIRE={what} makes this a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _require_services(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        _missing("browser", f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("postgres", "needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def region(db: None):
    return RegionFactory()


@pytest.fixture
def municipality(region):
    return MunicipalityFactory(region=region, name="Andernach", slug="andernach")


@pytest.fixture
def other_municipality(region):
    return MunicipalityFactory(region=region, name="Mendig", slug="mendig")


ROLES = ("anonymous", "citizen", "moderator", "coordinator", "expert", "program_office")


@pytest.fixture
def make_person(db: None, municipality) -> Callable[[str], User | None]:
    """A person holding one role (coordinators coordinate ``municipality``); None for anonymous."""

    def make(role: str) -> User | None:
        if role == "anonymous":
            return None
        user = UserFactory()
        if role == Role.COORDINATOR:
            RoleGrantFactory(user=user, role=role, municipality=municipality)
        elif role != "citizen":
            RoleGrantFactory(user=user, role=role)
        return user

    return make
