"""The network's invariants hold in the database, whatever code writes (STYLE.md rule 4)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from smartregion.network.models import Membership, Organization, Region

from ..factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    UserFactory,
)


def _rejected(factory, **fields) -> bool:
    try:
        with transaction.atomic():
            factory(**fields)
    except IntegrityError:
        return True
    return False


def test_program_must_end_after_it_starts(db):
    assert _rejected(
        RegionFactory, program_start=datetime.date(2027, 1, 1), program_end=datetime.date(2021, 1, 1)
    )
    assert _rejected(
        RegionFactory, program_start=datetime.date(2021, 1, 1), program_end=datetime.date(2021, 1, 1)
    )


@pytest.mark.parametrize("field", ["federal_funding", "own_share"])
def test_funding_is_never_negative(db, field):
    assert _rejected(RegionFactory, **{field: Decimal("-1.00")})
    assert not Region.objects.exists()


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("90.00001", "7.0"), ("-90.00001", "7.0"), ("50.0", "180.00001"), ("50.0", "-180.00001")],
)
def test_municipality_point_is_a_wgs84_position(region, latitude, longitude):
    assert _rejected(
        MunicipalityFactory, region=region, latitude=Decimal(latitude), longitude=Decimal(longitude)
    )


@pytest.mark.parametrize("year", [1799, 2201])
def test_population_year_is_plausible(region, year):
    assert _rejected(MunicipalityFactory, region=region, population_year=year)


def test_valid_municipality_is_accepted(region):
    assert not _rejected(
        MunicipalityFactory, region=region, latitude=Decimal("90"), longitude=Decimal("-180")
    )


def test_municipality_slug_and_official_key_are_unique(region):
    MunicipalityFactory(region=region, slug="andernach", official_key="07137003")

    assert _rejected(MunicipalityFactory, region=region, slug="andernach")
    assert _rejected(MunicipalityFactory, region=region, official_key="07137003")


def test_municipal_administration_belongs_to_a_municipality(municipality):
    kind = Organization.Kind.MUNICIPAL_ADMINISTRATION
    assert _rejected(OrganizationFactory, kind=kind, municipality=None)
    assert not _rejected(OrganizationFactory, kind=kind, municipality=municipality)
    assert not _rejected(OrganizationFactory, kind=Organization.Kind.EXTERNAL_PARTNER, municipality=None)


def test_membership_cannot_end_before_it_starts(db):
    assert _rejected(MembershipFactory, since=datetime.date(2023, 1, 1), until=datetime.date(2022, 12, 31))
    assert not _rejected(MembershipFactory, since=datetime.date(2023, 1, 1), until=datetime.date(2023, 1, 1))


def test_same_membership_cannot_start_twice_on_one_day(db):
    person, board = UserFactory(), OrganizationFactory()
    MembershipFactory(user=person, organization=board, since=datetime.date(2022, 1, 1))

    assert _rejected(MembershipFactory, user=person, organization=board, since=datetime.date(2022, 1, 1))
    assert not _rejected(MembershipFactory, user=person, organization=board, since=datetime.date(2024, 1, 1))
    assert Membership.objects.filter(user=person).count() == 2


def test_municipality_with_organizations_cannot_be_deleted(municipality):
    from django.db.models import ProtectedError

    OrganizationFactory(municipality=municipality)

    with pytest.raises(ProtectedError), transaction.atomic():
        municipality.delete()
