"""Writes for the network: memberships (municipalities and organizations change through the admin)."""

from typing import Any

from .models import Membership


def membership_erase_for(user: Any) -> None:
    """Remove a person's memberships when their account is deleted."""
    Membership.objects.filter(user=user).delete()
