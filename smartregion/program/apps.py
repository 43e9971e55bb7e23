from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    """Program phases, funding sources, and per measure budget, expenses, milestones and indicators."""

    name = "smartregion.program"
    verbose_name = _("Program")

    def ready(self) -> None:
        from smartregion.core import personal_data

        from . import selectors, services

        personal_data.register(
            personal_data.PersonalDataProvider(
                section="program_reminders",
                export=selectors.personal_data_export_for,
                erase=services.personal_data_erase_for,
            )
        )
