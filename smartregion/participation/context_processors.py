"""Template context for every page: the signed-in person's unread notifications (the header badge)."""

from functools import cache
from typing import Any

from django.http import HttpRequest

from . import selectors


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for signed-in people: one query, made only when a template shows it.

    Templates call a callable variable on use; ``cache`` makes the second use (badge and its label) free.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": cache(lambda: selectors.unread_notification_count(user=user))}
