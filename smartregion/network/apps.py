from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """The region, its member municipalities, organizations and memberships."""

    name = "smartregion.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from smartregion.core import personal_data

        from . import selectors, services

        personal_data.register(
            personal_data.PersonalDataProvider(
                section="memberships",
                export=selectors.membership_export_for,
                erase=services.membership_erase_for,
            )
        )
