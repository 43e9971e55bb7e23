from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Events: registration with capacity and waiting list, minutes, and outcomes recorded as ideas."""

    name = "smartregion.events"
    verbose_name = _("Events")
