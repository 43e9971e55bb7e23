"""Fixtures for the events tests."""

import pytest
from django.core.cache import cache

from .factories import EventFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def event(municipality):
    """An event in Andernach with registration open and ten places."""
    return EventFactory(municipality=municipality)
