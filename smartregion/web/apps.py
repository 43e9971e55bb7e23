from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Public pages, templates, static assets, sitemap and the accessibility statement."""

    name = "smartregion.web"
    label = "web"
    verbose_name = _("Website")
