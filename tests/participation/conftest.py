"""Fixtures for the public pages' tests (test_public_*.py). None is autouse: the staff-side modules in this
folder build their own data (staff_support.py) and must not change behaviour because of this file."""

import pytest
from django.core.cache import cache

from ..factories import UserFactory
from .factories import DomainFactory, ProcessFactory


@pytest.fixture
def fresh_rate_limits() -> None:
    """django-ratelimit counts in the process-wide cache: earlier tests' posts must not count here."""
    cache.clear()


@pytest.fixture
def domain(db):
    return DomainFactory(name="Mobilität und Verkehr", slug="mobilitaet-und-verkehr")


@pytest.fixture
def collecting(db, municipality, domain):
    """A public process whose idea collection runs now, in the region of ``municipality``."""
    process = ProcessFactory(title="Radverkehr in der Region", slug="radverkehr", phase="active")
    process.domains.set([domain])
    return process


@pytest.fixture
def citizen(db):
    return UserFactory(display_name="Clara Bürger")


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client
