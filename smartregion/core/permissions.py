"""The one check every service makes before it writes, and the one every staff view makes first."""

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from smartregion.accounts.models import User


def authorize(user: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``user`` holds ``perm`` (for ``obj``), as the app's rules.py decides."""
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def permitted_user(request: HttpRequest, perm: str, obj: Any = None) -> "User":
    """The signed-in person, if they hold ``perm`` (for ``obj``); PermissionDenied (403) otherwise. Views
    ask this before they show a form; the services ``authorize`` again before they write."""
    user = request.user
    authorize(user if user.is_authenticated else None, perm, obj)
    return cast("User", user)
