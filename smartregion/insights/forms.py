"""Forms of the search page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SearchKind


class SearchForm(forms.Form):
    """The search page's GET form: the words, and optionally one kind of content."""

    q = forms.CharField(label=_("Search for"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Only"), required=False, choices=[("", _("Everything")), *SearchKind.choices]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_q(self) -> str:
        return self.cleaned_data["q"].replace("\x00", "").strip()


class SimilarForm(forms.Form):
    """What the idea form sends while the person types (bounded like the idea form's own fields)."""

    title = forms.CharField(max_length=150, required=False)
    body = forms.CharField(max_length=10000, required=False)

    def text(self) -> str:
        if not self.is_valid():
            return ""
        return f"{self.cleaned_data['title']}\n{self.cleaned_data['body']}".replace("\x00", "")
