"""Forms of the program office's pages for fund calls. They parse input; program.services decides what is
allowed and valid, and its ValidationErrors go back onto the form."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.strategy.manage_forms import DateInput, _amount_field, german_amount

from . import selectors
from .models import Expense, FundingSource
from .templatetags.program import euro


class PaymentField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        line = obj.budget_line
        return (
            f"{obj.booked_on:%d.%m.%Y} · {line.source.name} · {line.measure.title} · {obj.description} · "
            f"{euro(obj.amount)}"
        )


class FundCallForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Funding source"), queryset=FundingSource.objects.all())
    called_on = forms.DateField(label=_("Called on"), widget=DateInput())
    amount = _amount_field(_("Amount called (EUR)"), _("At most what the chosen payments add up to."))
    payments = PaymentField(
        label=_("Payments the call covers"),
        queryset=Expense.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Payments from the chosen source that no fund call covers yet."),
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["payments"]).queryset = selectors.callable_payments()
        self.initial.setdefault("called_on", timezone.localdate())

    def clean_amount(self) -> str:
        return german_amount(self.cleaned_data["amount"])


class FundReceiptForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    amount = _amount_field(_("Amount received (EUR)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("received_on", timezone.localdate())

    def clean_amount(self) -> str:
        return german_amount(self.cleaned_data["amount"])
