"""Messages sent through the public pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartregion.core.models import TimeStampedModel


class AccessibilityFeedback(TimeStampedModel):
    """A barrier reported through the accessibility statement's feedback form (BITV 2.0 § 7)."""

    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    page_url = models.CharField(_("page concerned"), max_length=500, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    handled = models.BooleanField(_("handled"), default=False)

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.page_url or '-'}"
