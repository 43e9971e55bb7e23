"""factory_boy factories for the domain models."""

import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from smartregion.accounts.models import RoleGrant, User
from smartregion.network.models import Membership, Municipality, Organization, Region

PASSWORD = "Sichere-Testphrase-42"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = "Landkreis Teststadt"
    program_name = "Test10"
    program_start = datetime.date(2021, 1, 1)
    program_end = datetime.date(2027, 12, 31)
    federal_funding = Decimal("11400000.00")
    own_share = Decimal("6100000.00")
    operator = "Kreisverwaltung Teststadt"
    address = "Hauptstraße 1\n12345 Teststadt"
    contact_email = "office@example.org"
    accessibility_reviewed_on = datetime.date(2026, 11, 1)
    accessibility_enforcement_body = "Durchsetzungsstelle Test"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    # An installation has one region: municipalities join the one there is.
    region = factory.LazyFunction(lambda: Region.objects.order_by("pk").first() or RegionFactory())
    name = factory.Sequence(lambda n: f"Gemeinde {n}")
    slug = factory.Sequence(lambda n: f"gemeinde-{n}")
    kind = Municipality.Kind.VERBANDSGEMEINDE
    population = 12000
    population_year = 2023
    official_key = factory.Sequence(lambda n: f"07{n:07d}")
    latitude = Decimal("50.35000")
    longitude = Decimal("7.40000")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Verein {n}")
    slug = factory.Sequence(lambda n: f"verein-{n}")
    kind = Organization.Kind.LOCAL_PARTNER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """A primary e-mail address, verified unless ``verified=False``: only then can the person sign in."""
        if create:
            self.save()
            EmailAddress.objects.create(
                user=self, email=self.email, verified=extracted is not False, primary=True
            )


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.MEMBER
    since = datetime.date(2022, 1, 1)
