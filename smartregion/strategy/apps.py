from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    """Domains of life; goals, strategies and measures follow with the strategy issue."""

    name = "smartregion.strategy"
    label = "strategy"
    verbose_name = _("Strategy")
