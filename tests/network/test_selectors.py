"""Reads for the network: the start page's key figures and the public expert board."""

import datetime

from smartregion.network import selectors
from smartregion.network.models import Membership, Municipality, Organization

from ..factories import MembershipFactory, MunicipalityFactory, OrganizationFactory, UserFactory


def test_key_facts_count_what_the_start_page_shows(region):
    MunicipalityFactory(region=region, kind=Municipality.Kind.CITY, population=30000)
    MunicipalityFactory(region=region, kind=Municipality.Kind.VERBANDSGEMEINDE, population=12000)
    MunicipalityFactory(region=region, kind=Municipality.Kind.VERBANDSGEMEINDE, population=8000)
    OrganizationFactory(kind=Organization.Kind.LOCAL_PARTNER)
    OrganizationFactory(kind=Organization.Kind.LOCAL_PARTNER)
    OrganizationFactory(kind=Organization.Kind.EXTERNAL_PARTNER)
    board = OrganizationFactory(kind=Organization.Kind.EXPERT_BOARD)
    MembershipFactory(organization=board)
    MembershipFactory(organization=board)
    MembershipFactory(organization=board, until=datetime.date(2023, 12, 31))  # left the board

    facts = selectors.key_facts()

    assert facts.municipality_count == 3
    assert facts.city_count == 1
    assert facts.verbandsgemeinde_count == 2
    assert facts.population == 50000
    assert facts.local_partner_count == 2
    assert facts.external_partner_count == 1
    assert facts.expert_board_size == 2


def test_key_facts_of_an_empty_network_are_zero(db):
    facts = selectors.key_facts()

    assert (facts.municipality_count, facts.population, facts.expert_board_size) == (0, 0, 0)


def test_expert_board_lists_current_members_chair_first(db):
    board = OrganizationFactory(kind=Organization.Kind.EXPERT_BOARD)
    council = OrganizationFactory(kind=Organization.Kind.COUNCIL)
    MembershipFactory(organization=board, user=UserFactory(display_name="Anna Aktiv"))
    MembershipFactory(
        organization=board, user=UserFactory(display_name="Zora Vorsitz"), role=Membership.Role.CHAIR
    )
    MembershipFactory(
        organization=board, user=UserFactory(display_name="Ehemalig"), until=datetime.date(2022, 6, 1)
    )
    MembershipFactory(organization=council, user=UserFactory(display_name="Kreistag"))

    names = [membership.user.display_name for membership in selectors.expert_board_members()]

    assert names == ["Zora Vorsitz", "Anna Aktiv"]


def test_organization_list_filters_by_kind(municipality):
    OrganizationFactory(name="Bürgerverein", kind=Organization.Kind.LOCAL_PARTNER, municipality=municipality)
    OrganizationFactory(name="Hochschule", kind=Organization.Kind.EXTERNAL_PARTNER)

    local = selectors.organization_list(kind=Organization.Kind.LOCAL_PARTNER)

    assert [organization.name for organization in local] == ["Bürgerverein"]
    assert len(selectors.organization_list()) == 2


def test_membership_export_lists_only_the_persons_memberships(db):
    person = UserFactory()
    MembershipFactory(
        user=person, organization=OrganizationFactory(name="Beirat"), since=datetime.date(2021, 6, 1)
    )
    MembershipFactory(organization=OrganizationFactory(name="Fremd"))

    assert selectors.membership_export_for(person) == [
        {"organization": "Beirat", "role": "member", "since": "2021-06-01", "until": None}
    ]


def test_the_region_is_read_once_and_a_change_shows_at_once(region, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    with django_assert_num_queries(1):
        assert selectors.region_get().name == region.name
    with django_assert_num_queries(0):
        assert selectors.region_get().name == region.name

    region.name = "Landkreis Umbenannt"
    region.save()
    with django_assert_num_queries(0):
        assert selectors.region_get().name == "Landkreis Umbenannt"

    region.delete()
    with django_assert_num_queries(1):
        assert selectors.region_get() is None
