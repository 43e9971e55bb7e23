from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public REST API /api/v1/: a thin adapter over the apps' selectors and services."""

    name = "smartregion.api"
    verbose_name = _("API")
