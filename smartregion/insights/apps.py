from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Insights: the search index over public content, similar ideas, and the office's analyses."""

    name = "smartregion.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from . import signals

        signals.connect()
