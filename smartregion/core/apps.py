from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared kernel: base models, form rendering, personal-data registry; no domain models."""

    name = "smartregion.core"
    label = "core"
