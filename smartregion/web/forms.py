"""Forms of the public pages."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from smartregion.core.forms import HoneypotMixin


class AccessibilityFeedbackForm(HoneypotMixin, forms.Form):
    """Report a barrier; name and e-mail are optional (only needed for an answer)."""

    message = forms.CharField(
        label=_("Which barrier did you find?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Please describe what did not work and on which page."),
    )
    page_url = forms.CharField(label=_("Page concerned (address)"), max_length=500, required=False)
    name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Only if you would like an answer."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ReachFilterForm(forms.Form):
    """The reach figures' time frame and time axis, as a plain GET form (works without JavaScript)."""

    SINCE_DAYS = {"all": None, "12m": 365, "90d": 90}

    since = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("all", _("Since the start")),
            ("12m", _("Last 12 months")),
            ("90d", _("Last 90 days")),
        ],
    )
    by = forms.ChoiceField(
        label=_("Over time by"),
        required=False,
        choices=[("month", _("Month")), ("quarter", _("Quarter"))],
    )

    def since_date(self, today: datetime.date) -> datetime.date | None:
        """The first day counted, or None for everything (also when the form is invalid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        days = self.SINCE_DAYS.get(data.get("since") or "all")
        return None if days is None else today - datetime.timedelta(days=days)

    def axis(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return str(data.get("by") or "month")
