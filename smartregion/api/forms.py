from django import forms
from django.utils.translation import gettext_lazy as _

from .services import LIFETIMES_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, for example “Gemeinde-App Mendig”."),
        error_messages={"required": _("Please name the token, for example after the program using it.")},
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(days, _("%(days)s days") % {"days": days}) for days in LIFETIMES_DAYS],
        initial=LIFETIMES_DAYS[-1],
    )
