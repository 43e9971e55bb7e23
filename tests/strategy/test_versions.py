"""The strategy is published in versions: the public sees the adopted ones with their decision, the office
also the drafts; an adopted version without its decision is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from smartregion.strategy.models import StrategyVersion


@pytest.fixture
def versions(db):
    adopted = StrategyVersion.objects.create(
        title="Fassung 1.0",
        status=StrategyVersion.Status.ADOPTED,
        changes="Erste Fassung",
        changes_html="<p>Erste Fassung</p>",
        decided_by="Kreistag Mayen-Koblenz",
        decided_on=datetime.date(2026, 9, 29),
        decision_reference="Drucksache 0815/2026",
    )
    draft = StrategyVersion.objects.create(title="Fassung 1.1", changes="Neue Maßnahmen")
    return adopted, draft


def test_the_public_sees_adopted_versions_and_the_one_in_force(client, versions):
    page = client.get(reverse("strategy:versions")).content.decode()
    assert "Fassung 1.0" in page
    assert "Drucksache 0815/2026" in page
    assert "Fassung 1.1" not in page
    explorer = client.get(reverse("strategy:explorer")).content.decode()
    assert 'id="adopted-version"' in explorer
    assert "Kreistag Mayen-Koblenz" in explorer


def test_the_office_also_sees_drafts(client, signed_in, versions):
    signed_in("program_office")
    assert "Fassung 1.1" in client.get(reverse("strategy:versions")).content.decode()


def test_an_adopted_version_needs_its_decision(db):
    version = StrategyVersion(title="Fassung 2.0", status=StrategyVersion.Status.ADOPTED, changes="x")
    with pytest.raises(ValidationError) as error:
        version.full_clean()
    assert set(error.value.message_dict) == {"decided_by", "decided_on", "decision_reference"}
    with pytest.raises(IntegrityError), transaction.atomic():
        version.save()
