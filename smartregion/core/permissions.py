"""The one check every service makes before it writes."""

from typing import Any

from django.core.exceptions import PermissionDenied


def authorize(user: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``user`` holds ``perm`` (for ``obj``), as the app's rules.py decides."""
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(perm)
