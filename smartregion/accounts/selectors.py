"""Reads for accounts: a person's own data and roles."""

from typing import Any

from django.db.models import QuerySet

from .models import RoleGrant, User


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
