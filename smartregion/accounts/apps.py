from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, profiles, roles, consent, GDPR export and erasure."""

    name = "smartregion.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from smartregion.core import personal_data

        from . import selectors, services

        personal_data.register(
            personal_data.PersonalDataProvider(
                section="account", export=selectors.account_export_for, erase=services.account_erase_for
            )
        )
        personal_data.register(
            personal_data.PersonalDataProvider(
                section="roles", export=selectors.role_export_for, erase=services.role_erase_for
            )
        )
