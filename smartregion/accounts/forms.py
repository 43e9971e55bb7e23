"""Forms for the profile, the optional signup details and account deletion."""

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from smartregion.network.selectors import municipality_list

from .models import AgeGroup, User


class SignupExtraForm(forms.Form):
    """Extra signup field (allauth ACCOUNT_SIGNUP_FORM_CLASS): the name shown next to contributions."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown next to your contributions. You may use a pseudonym."),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class ProfileForm(forms.Form):
    """The voluntary profile: display name, home municipality, age group."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown next to your contributions. You may use a pseudonym."),
    )
    home_municipality = forms.ModelChoiceField(
        label=_("Home municipality"),
        queryset=municipality_list(),
        required=False,
        empty_label=_("No answer"),
        help_text=_("Voluntary; used only for anonymous participation statistics."),
    )
    age_group = forms.ChoiceField(
        label=_("Age group"),
        choices=[("", _("No answer")), *AgeGroup.choices],
        required=False,
        help_text=_("Voluntary; used only for anonymous participation statistics."),
    )

    @classmethod
    def for_user(cls, user: User, data: Any = None) -> "ProfileForm":
        """The form filled with a person's current profile."""
        return cls(
            data=data,
            initial={
                "display_name": user.display_name,
                "home_municipality": user.home_municipality_id,
                "age_group": user.age_group,
            },
        )


class AccountDeleteForm(forms.Form):
    """Confirms deletion by asking for the current password."""

    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To protect your account, please confirm with your password."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="password_incorrect")
        return password
