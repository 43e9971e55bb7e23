"""Every list endpoint makes the same number of queries with 20 more rows."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.participation.models import Comment
from smartregion.strategy.models import IdeaLink

from ..factories import MunicipalityFactory, OrganizationFactory
from ..participation.factories import CommentFactory, IdeaFactory, ProcessFactory

pytestmark = pytest.mark.django_db

LISTS = (
    "/api/v1/municipalities",
    "/api/v1/organizations",
    "/api/v1/processes",
    "/api/v1/ideas?limit=100",
    "/api/v1/ideas?limit=100&sort=supported",
    "/api/v1/ideas/{idea}/comments?limit=100",
    "/api/v1/domains",
    "/api/v1/goals",
    "/api/v1/strategies",
    "/api/v1/measures?limit=100",
    "/api/v1/measures/{measure}",
    "/api/v1/funding-sources",
    "/api/v1/indicators/{indicator}/values",
)


def _counts(client, world) -> dict[str, int]:
    caches["pages"].clear()
    counts = {}
    for template in LISTS:
        url = template.format(
            idea=world["ideas"][0].pk, measure=world["measure"].slug, indicator=world["indicator"].pk
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[template] = len(queries)
    return counts


def test_lists_make_a_constant_number_of_queries(client, world, make_measure, region, office):
    before = _counts(client, world)
    for n in range(20):
        MunicipalityFactory(region=region, name=f"Ort {n}", slug=f"ort-{n}")
        OrganizationFactory(name=f"Verein {n}", slug=f"verein-{n}")
        ProcessFactory(slug=f"prozess-{n}", phase="active")
        idea = IdeaFactory(process=world["process"])
        CommentFactory(idea=world["ideas"][0])
        measure = make_measure(title=f"Maßnahme {n}")
        IdeaLink.objects.create(measure=world["measure"], idea=idea, created_by=office)
        measure.municipalities.add(*world["measure"].municipalities.all())
    assert Comment.objects.filter(idea=world["ideas"][0]).count() >= 22
    assert _counts(client, world) == before
