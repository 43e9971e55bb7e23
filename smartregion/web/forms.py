"""Forms of the public pages."""

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
