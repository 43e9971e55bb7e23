"""Personal API tokens: create, revoke, and find the person behind a token a request carries."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core.permissions import authorize

from .models import ApiToken

TOKEN_PREFIX = "sr_"  # noqa: S105 - the tokens' recognisable beginning, not a secret
MAX_ACTIVE_TOKENS = 10
# Writing last_used_at on every request would turn each API read into a write; once a minute is enough to
# tell the owner whether a token is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)
LIFETIMES_DAYS = (30, 90, 365)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: Any, name: str, lifetime_days: int | None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret, which is never shown again."""
    authorize(user, "api.create_token")
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Please name the token, for example after the program using it.")})
    if lifetime_days is not None and lifetime_days not in LIFETIMES_DAYS:
        raise ValidationError({"lifetime_days": _("Please choose one of the offered lifetimes.")})
    # Lock the person's row so that two requests at once cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(expires_at__lte=now)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(count)s active tokens. Please revoke one you no longer need first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=_hash(secret),
        expires_at=now + timedelta(days=lifetime_days) if lifetime_days else None,
    )
    return token, secret


def token_revoke(*, user: Any, token: ApiToken) -> None:
    """Revoke one of the person's tokens at once (idempotent)."""
    authorize(user, "api.revoke_token", token)
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_user(secret: str) -> Any:
    """The active person a usable token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(secret)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def personal_data_export_for(user: Any) -> list[dict[str, Any]]:
    """The person's tokens for the data export: names and dates, never hashes."""
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        }
        for token in ApiToken.objects.filter(user=user)
    ]


def personal_data_erase_for(user: Any) -> None:
    """On account deletion: the tokens go."""
    ApiToken.objects.filter(user=user).delete()
