"""Writes for accounts: profile changes, roles, GDPR export record and account erasure."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core import personal_data
from smartregion.core.permissions import authorize

from .models import AccountEvent, AgeGroup, Role, RoleGrant, User

PROFILE_FIELDS = ("display_name", "home_municipality", "age_group")


def account_event_record(
    *, user: User | None, kind: str, actor: User | None = None, data: dict[str, Any] | None = None
) -> AccountEvent:
    """Append one entry to the account audit trail."""
    return AccountEvent.objects.create(user=user, actor=actor, kind=kind, data=data or {})


@transaction.atomic
def profile_update(*, user: User, display_name: str, home_municipality: Any, age_group: str) -> User:
    """Change a person's profile; only changed field names are logged, never their values."""
    if age_group and age_group not in AgeGroup.values:
        raise ValidationError({"age_group": _("Please choose one of the listed age groups.")})
    new_values = {
        "display_name": display_name.strip(),
        "home_municipality": home_municipality,
        "age_group": age_group,
    }
    changed = [name for name, value in new_values.items() if getattr(user, name) != value]
    if not changed:
        return user
    for name in changed:
        setattr(user, name, new_values[name])
    user.full_clean(exclude=["password", "email"])
    user.save(update_fields=[*changed])
    account_event_record(
        user=user, actor=user, kind=AccountEvent.Kind.PROFILE_UPDATED, data={"fields": changed}
    )
    return user


@transaction.atomic
def role_grant(*, actor: User | None, user: User, role: str, municipality: Any = None) -> RoleGrant:
    """Give a person a role; coordinators need a municipality, other roles must not have one. ``actor`` None
    is the system (demo data, management commands)."""
    if actor is not None:
        authorize(actor, "accounts.add_rolegrant", user)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if (role == Role.COORDINATOR) != (municipality is not None):
        raise ValidationError(
            {"municipality": _("A municipality is required for coordinators and only for them.")}
        )
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, municipality=municipality)
    if created:
        account_event_record(
            user=user,
            actor=actor,
            kind=AccountEvent.Kind.ROLE_GRANTED,
            data={"role": role, "municipality": getattr(municipality, "pk", None)},
        )
    return grant


@transaction.atomic
def role_revoke(*, actor: User | None, grant: RoleGrant) -> None:
    """Take a role away and log it."""
    if actor is not None:
        authorize(actor, "accounts.delete_rolegrant", grant.user)
    account_event_record(
        user=grant.user,
        actor=actor,
        kind=AccountEvent.Kind.ROLE_REVOKED,
        data={"role": grant.role, "municipality": grant.municipality_id},
    )
    grant.delete()


@transaction.atomic
def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform stores about a person, as JSON-ready data (GDPR Art. 15 and 20)."""
    account_event_record(user=user, actor=user, kind=AccountEvent.Kind.DATA_EXPORTED)
    return {
        "exported_at": timezone.now().isoformat(),
        **{provider.section: provider.export(user) for provider in personal_data.providers()},
    }


def account_erase_for(user: User) -> None:
    """Anonymise the account row itself; it stays so that contributions keep a (nameless) author."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@invalid.invalid"
    user.display_name = ""
    user.home_municipality = None
    user.age_group = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.set_unusable_password()
    user.save()


def role_erase_for(user: User) -> None:
    """Remove all platform roles of a person."""
    RoleGrant.objects.filter(user=user).delete()


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Erase a person's personal data in every app; contributions stay, attributed to nobody."""
    # Lock the row: two concurrent deletions must not interleave their anonymisation.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    for provider in personal_data.providers():
        if provider.erase is not None:
            provider.erase(user)
    # The event keeps no personal data, only the fact and the (now anonymous) row.
    account_event_record(user=user, actor=None, kind=AccountEvent.Kind.ACCOUNT_DELETED)
