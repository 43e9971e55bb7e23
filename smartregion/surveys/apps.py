from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The page-cache namespace of the public survey pages (core/pagecache.py).
PAGES = "surveys"


class SurveysConfig(AppConfig):
    """Questionnaires and quick polls, responses on every channel, results."""

    name = "smartregion.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from smartregion.core import personal_data

        from . import selectors, services

        personal_data.register(
            personal_data.PersonalDataProvider(
                section="surveys",
                export=selectors.personal_data_export_for,
                erase=services.personal_data_erase_for,
            )
        )
