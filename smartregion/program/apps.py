from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramConfig(AppConfig):
    """Program phases, funding sources, and per measure budget, expenses, milestones and indicators."""

    name = "smartregion.program"
    verbose_name = _("Program")
