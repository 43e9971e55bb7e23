from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public REST API /api/v1/: a thin adapter over the apps' selectors and services."""

    name = "smartregion.api"
    verbose_name = _("API")

    def ready(self) -> None:
        from smartregion.core import personal_data

        from . import services

        personal_data.register(
            personal_data.PersonalDataProvider(
                section="api_tokens",
                export=services.personal_data_export_for,
                erase=services.personal_data_erase_for,
            )
        )
