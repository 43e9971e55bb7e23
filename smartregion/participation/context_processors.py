"""Template context for every page: the signed-in person's unread notifications (the header badge)."""

from typing import Any

from django.http import HttpRequest

from . import selectors


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for signed-in people, read with the person (``selectors.person_facts``): no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": selectors.unread_notification_count(user=user)}
