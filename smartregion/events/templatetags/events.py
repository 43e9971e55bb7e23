"""Template tags of the events app."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def event_retention_days() -> int:
    """Days after an event when its registrations' personal data is anonymised (for the privacy page)."""
    return int(settings.EVENT_PERSONAL_DATA_RETENTION_DAYS)
