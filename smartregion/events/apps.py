from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Events: registration with capacity and waiting list, minutes, and outcomes recorded as ideas."""

    name = "smartregion.events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from smartregion.core import personal_data

        from . import selectors, services

        personal_data.register(
            personal_data.PersonalDataProvider(
                section="events",
                export=selectors.personal_data_export_for,
                erase=services.personal_data_erase_for,
            )
        )
