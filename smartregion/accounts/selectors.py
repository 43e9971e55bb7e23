"""Reads for accounts: a person's own data and roles, and the signed-in person of a request."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL

from smartregion.core.prepared import Prepared

from .models import RoleGrant, User

# What every page asks of the signed-in person besides her roles, read in the same query as she is: each
# app adds its part in AppConfig.ready() (participation: her block and her unread notifications).
PersonFacts = Callable[[QuerySet[User]], QuerySet[User]]
_person_facts: list[PersonFacts] = []


def person_facts_register(add: PersonFacts) -> None:
    """Read what ``add`` annotates or joins with every signed-in person of a request."""
    if add not in _person_facts:
        _person_facts.append(add)
        _people.forget()


def _people_with_facts(pk: int) -> QuerySet[User]:
    joined = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
    grants = RawSQL(  # noqa: S611 (table and function names, no input)
        f"SELECT {joined}(role || ':' || COALESCE(CAST(municipality_id AS TEXT), ''), ',') "  # noqa: S608 (no input)
        f"FROM {RoleGrant._meta.db_table} WHERE user_id = {User._meta.db_table}.id",
        (),
        output_field=TextField(),
    )
    people: QuerySet[User] = User.objects.filter(pk=pk).annotate(role_grant_text=grants)
    for add in _person_facts:
        people = add(people)
    return people


_people = Prepared(_people_with_facts, pk=int)


def person_for_request(*, pk: Any) -> User | None:
    """The signed-in person with her roles and every registered fact, in one query (was one per fact on
    every page: roles, block, unread notifications). Her ``role_grants`` are filled from it.

    The facts are plain SQL subqueries (``RawSQL``): the same subqueries built from ORM expressions cost
    about 2 ms of compiling on every request, more than the queries they replace. The query is prepared
    (core/prepared.py): compiled once, not on every request."""
    person = next(iter(_people(pk=int(pk))), None)
    if person is not None and person.is_active:
        pairs = (
            grant.split(":") for grant in (getattr(person, "role_grant_text", "") or "").split(",") if grant
        )
        person.__dict__["role_grants"] = frozenset(
            (role, int(municipality) if municipality else None) for role, municipality in pairs
        )
    return person


def user_role_list(*, user: User) -> QuerySet[RoleGrant]:
    """A person's roles with their municipalities, for the profile page."""
    return (
        RoleGrant.objects.filter(user=user)
        .select_related("municipality")
        .order_by("role", "municipality__name")
    )


def account_export_for(user: User) -> dict[str, Any]:
    """The account section of the GDPR export."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "email": user.email,
        "display_name": user.display_name,
        "home_municipality": user.home_municipality.name if user.home_municipality else None,
        "age_group": user.age_group or None,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "second_factors": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        "events": [
            {"time": e.created_at.isoformat(), "kind": e.kind}
            for e in user.account_events.order_by("created_at", "id")
        ],
    }


def role_export_for(user: User) -> list[dict[str, Any]]:
    """The roles section of the GDPR export."""
    return [
        {
            "role": g.role,
            "municipality": g.municipality.name if g.municipality else None,
            "since": g.granted_at.isoformat(),
        }
        for g in user_role_list(user=user)
    ]
