from allauth.mfa.apps import MFAConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    """Shared kernel: base models, form rendering, personal-data registry; no domain models."""

    name = "smartregion.core"
    label = "core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)


# Third-party apps under German names in the admin: their own AppConfigs name them in English.
class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks-db's queue of background tasks."""

    verbose_name = _("Background tasks")  # type: ignore[assignment]  # a lazy string, as Django allows


class MfaConfig(MFAConfig):
    """allauth's second factors (authenticator app, recovery codes)."""

    verbose_name = _("Second factor")

    def ready(self) -> None:
        super().ready()
        from allauth.mfa.models import Authenticator

        # allauth's model declares no verbose names, so the admin would say "Authenticators".
        Authenticator._meta.verbose_name = _("second factor")
        Authenticator._meta.verbose_name_plural = _("second factors")
