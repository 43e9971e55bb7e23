from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open data: dataset downloads, the DCAT-AP.de catalogue, Atom and iCal feeds."""

    name = "smartregion.opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from . import catalog  # noqa: F401  (registers the settings check)
