"""Demo people: one named persona per role (documented password) and the 12-member expert board."""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress

from smartregion.network.models import Membership, Municipality, Organization

from . import services
from .models import Role, User

# Documented in the README; seed_demo refuses to run in production unless forced.
DEMO_PASSWORD = "MYK10-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class Persona:
    """A demo person with a role (None: plain citizen) and, for coordinators, their municipalities."""

    email: str
    name: str
    role: str | None = None
    municipalities: tuple[str, ...] = ()


PERSONAS = (
    Persona("clara.buerger@example.org", "Clara Bürger"),
    Persona("mira.moderation@example.org", "Mira Moderation", Role.MODERATOR),
    Persona(
        "konrad.koordination@example.org", "Konrad Koordination", Role.COORDINATOR, ("Andernach", "Mendig")
    ),
    Persona("eva.experte@example.org", "Prof. Dr. Eva Experte", Role.EXPERT),
    Persona("paul.programmbuero@example.org", "Paul Programmbüro", Role.PROGRAM_OFFICE),
)

EXPERT_NAMES = (
    "Prof. Dr. Eva Experte",
    "Dr. Jonas Albrecht",
    "Sabine Keller",
    "Prof. Dr. Murat Demir",
    "Dr. Lena Hoffmann",
    "Thomas Brandt",
    "Dr. Aylin Yilmaz",
    "Katharina Vogel",
    "Prof. Dr. Michael Richter",
    "Dr. Sophie Wagner",
    "Andreas Becker",
    "Dr. Hannah Schulz",
)
BOARD_SINCE = datetime.date(2021, 6, 1)


def _person(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, display_name=name)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed_people(*, bodies: dict[str, Organization]) -> list[User]:
    """Create the personas and the expert board; safe to run again."""
    people = []
    for persona in PERSONAS:
        user = _person(persona.email, persona.name)
        people.append(user)
        if persona.role == Role.COORDINATOR:
            for municipality in Municipality.objects.filter(name__in=persona.municipalities):
                services.role_grant(actor=None, user=user, role=persona.role, municipality=municipality)
        elif persona.role:
            services.role_grant(actor=None, user=user, role=persona.role)
        if persona.role == Role.PROGRAM_OFFICE:
            Membership.objects.get_or_create(
                user=user, organization=bodies["office"], role=Membership.Role.STAFF, since=BOARD_SINCE
            )
    for index, name in enumerate(EXPERT_NAMES):
        email = "eva.experte@example.org" if index == 0 else f"beirat{index + 1:02d}@example.org"
        expert = _person(email, name)
        services.role_grant(actor=None, user=expert, role=Role.EXPERT)
        Membership.objects.get_or_create(
            user=expert,
            organization=bodies["board"],
            role=Membership.Role.CHAIR if index == 1 else Membership.Role.MEMBER,
            since=BOARD_SINCE,
        )
    return people
