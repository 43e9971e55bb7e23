"""Role predicates (django-rules): the single place that says who holds which role.

Every permission in every app is composed from these; they read ``User.role_grants``, which loads
a person's roles once per request, so a page asking many questions still costs one query.
"""

from typing import Any

import rules

from .models import Role


def _grants(user: Any) -> frozenset[tuple[str, int | None]]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    grants: frozenset[tuple[str, int | None]] = user.role_grants
    return grants


@rules.predicate
def is_citizen(user: Any) -> bool:
    """Every signed-in, active person."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_program_office(user: Any) -> bool:
    """Member of the program office (Stabsstelle): full rights."""
    return bool(getattr(user, "is_superuser", False) and user.is_active) or any(
        role == Role.PROGRAM_OFFICE for role, _ in _grants(user)
    )


@rules.predicate
def is_moderator(user: Any) -> bool:
    """Moderates contributions across the region."""
    return any(role == Role.MODERATOR for role, _ in _grants(user))


@rules.predicate
def is_expert(user: Any) -> bool:
    """Member of the expert advisory board."""
    return any(role == Role.EXPERT for role, _ in _grants(user))


@rules.predicate
def is_coordinator(user: Any) -> bool:
    """Coordinator for at least one municipality."""
    return any(role == Role.COORDINATOR for role, _ in _grants(user))


@rules.predicate
def is_self(user: Any, obj: Any) -> bool:
    """The object is the person's own account."""
    return obj is not None and getattr(user, "pk", None) is not None and user.pk == obj.pk


@rules.predicate
def may_change_account(user: Any, obj: Any) -> bool:
    """The account ``obj`` (a User, or a row with a ``user``: an e-mail address, a second factor) holds no
    right that ``user`` lacks: only a superuser changes a superuser, so nobody can take over an account
    with more rights by setting its password, its e-mail address or its second factor. Without an object
    (the admin's list and add pages) the question is about the model and the answer is yes."""
    if obj is None:
        return True
    target = obj if hasattr(obj, "is_superuser") else getattr(obj, "user", None)
    if target is None:
        return True
    return bool(getattr(user, "is_superuser", False)) or not target.is_superuser


def add_model_perms(app_label: str, model_name: str, predicate: Any, actions: tuple[str, ...]) -> None:
    """Register Django-style model permissions (``app.action_model``) for one predicate."""
    for action in actions:
        rules.add_perm(f"{app_label}.{action}_{model_name}", predicate)


CRUD = ("view", "add", "change", "delete")
