"""The strategy tree; for now its root vocabulary, the domains of life (Daseinsbereiche)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.Model):
    """A domain of life the strategy covers (economy, mobility, health, ...); configurable per region."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name in URLs"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("domain of life")
        verbose_name_plural = _("domains of life")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
