"""Registry through which each app contributes a person's data to the GDPR export and erasure.

Apps register in ``AppConfig.ready()``; accounts calls every provider, so adding a new kind of
personal data never means editing the accounts app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smartregion.accounts.models import User


@dataclass(frozen=True)
class PersonalDataProvider:
    """How one app exports and erases (or anonymises) what it stores about a person."""

    section: str
    export: Callable[["User"], Any]
    erase: Callable[["User"], None] | None = None


_providers: dict[str, PersonalDataProvider] = {}


def register(provider: PersonalDataProvider) -> None:
    """Register a provider; the section name is the key in the exported JSON."""
    _providers[provider.section] = provider


def providers() -> list[PersonalDataProvider]:
    """All registered providers, in a stable order."""
    return [_providers[key] for key in sorted(_providers)]
