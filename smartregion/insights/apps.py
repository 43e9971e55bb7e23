from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Search index, similar ideas, duplicates, clusters, category suggestions: offline, on our server."""

    name = "smartregion.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from smartregion.participation.models import Idea

        from . import ml_signals, signals

        signals.connect()
        post_save.connect(ml_signals.idea_saved, sender=Idea, dispatch_uid="insights-ml-idea-saved")
