"""Forms of the measure management pages. They parse input; the services (strategy/services.py,
program/services.py) decide what is allowed and valid, and their ValidationErrors go back onto the form."""

import datetime
import re
from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.network.models import Municipality, Organization
from smartregion.participation.models import Idea
from smartregion.program.models import (
    BudgetLine,
    Expense,
    FundingSource,
    Indicator,
    Milestone,
    Responsibility,
    StaffRole,
)

from .models import Domain, IdeaLink, Measure, MeasureStatus, MonitoringState, Strategy


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _amount_field(label: Any, help_text: Any = "") -> forms.CharField:
    # A text field, not a number field: people type "1.250,50" as well as "1250.50"; services.money parses.
    return forms.CharField(
        label=label,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


# "4.500" or "1.250.000": dots that group thousands, as Germans write amounts without cents.
THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def german_amount(value: str) -> str:
    """Accept the German way of writing money ("1.250,50", "4.500") as well as "1250.50"."""
    value = value.strip().replace(" ", "").replace("\u00a0", "").replace("€", "").replace("EUR", "")
    if "," in value or THOUSANDS.match(value):
        value = value.replace(".", "").replace(",", ".")
    return value


class MeasureForm(forms.Form):
    strategy = forms.ModelChoiceField(
        label=_("Strategy (field of action)"), queryset=Strategy.objects.select_related("goal")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(
        label=_("Description"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown is possible."),
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("Domains of life"), queryset=Domain.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"),
        queryset=Municipality.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None chosen: the measure concerns the whole region."),
    )
    is_published = forms.BooleanField(label=_("Published"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=MeasureStatus.choices)
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=500,
        required=False,
        help_text=_("Required when pausing or cancelling."),
    )


class MonitoringForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Monitoring state"),
        choices=[("", _("Work it out from milestones and spending")), *MonitoringState.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Required when you set the state by hand; it is kept in the measure's history."),
    )


class ProgressForm(forms.Form):
    follow_milestones = forms.BooleanField(label=_("Let the progress follow the milestones"), required=False)
    progress = forms.IntegerField(label=_("Progress in percent"), min_value=0, max_value=100, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("follow_milestones")
            and data.get("progress") is None
            and not self.has_error("progress")
        ):
            self.add_error("progress", _("Please give a progress, or let it follow the milestones."))
        return data


def _is_this_site(netloc: str) -> bool:
    """The host of an address is this site's: the one of SITE_URL, or one ALLOWED_HOSTS names."""
    if netloc.casefold() == urlsplit(settings.SITE_URL).netloc.casefold():
        return True
    host, _port = split_domain_port(netloc)
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


def idea_number(reference: str) -> int | None:
    """The idea's number from a plain number or an address of its page on this site; None otherwise.

    Only this site's addresses count: "http://evil.example/ideen/38/" is not idea 38, it is a mistake (or a
    trick) the person should see.
    """
    reference = reference.strip()
    if reference.isdigit():
        return int(reference)
    parts = urlsplit(reference)
    if (parts.netloc or parts.scheme) and (
        parts.scheme not in ("http", "https") or not _is_this_site(parts.netloc)
    ):
        return None
    path = parts.path if parts.path.endswith("/") else f"{parts.path}/"
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return int(match.kwargs["pk"]) if match.view_name == "participation:idea" else None


class IdeaLinkForm(forms.Form):
    idea = forms.CharField(
        label=_("Idea"),
        max_length=300,
        help_text=_(
            "Search above and choose an idea, or give its number or the address of its page on this site, "
            "e.g. …/ideen/123/."
        ),
    )
    note = forms.CharField(
        label=_("Public note"),
        max_length=500,
        required=False,
        help_text=_("What the measure takes from the idea; shown on the idea's page."),
    )

    def clean_idea(self) -> Idea:
        number = idea_number(self.cleaned_data["idea"])
        idea = Idea.objects.filter(pk=number).first() if number is not None else None
        if idea is None:
            raise forms.ValidationError(
                _("There is no idea with this number or address on this site. Please search for it above.")
            )
        return idea


class LinkedIdeaField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.idea.title)


class BudgetLineField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.source.name} {obj.year}"


class IdeaUnlinkForm(forms.Form):
    link = LinkedIdeaField(label=_("Idea"), queryset=IdeaLink.objects.none())

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        links = IdeaLink.objects.filter(measure=measure).select_related("idea", "measure")
        field = cast(forms.ModelChoiceField, self.fields["link"])
        field.queryset = links


class BudgetForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Funding source"), queryset=FundingSource.objects.all())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    planned = _amount_field(
        _("Planned amount (EUR)"), _("Replaces the amount planned so far for this source and year.")
    )
    not_eligible = forms.BooleanField(
        label=_("Not eligible for funding"),
        required=False,
        help_text=_("Costs the funder does not recognise; they do not count in the eligible costs."),
    )

    def clean_planned(self) -> str:
        return german_amount(self.cleaned_data["planned"])


class ExpenseForm(forms.Form):
    budget_line = BudgetLineField(label=_("Budget line"), queryset=BudgetLine.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Expense.Kind.choices, widget=forms.RadioSelect)
    amount = _amount_field(_("Amount (EUR)"))
    booked_on = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("What for"), max_length=300)
    document_reference = forms.CharField(
        label=_("Document reference"), max_length=100, required=False, help_text=_("E.g. the invoice number.")
    )
    override_reason = forms.CharField(
        label=_("Reason for paying beyond the commitment"),
        max_length=300,
        required=False,
        help_text=_("Only needed when a payment exceeds what is committed; it is kept in the history."),
    )

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["budget_line"])
        field.queryset = BudgetLine.objects.filter(measure=measure).select_related("source", "measure")
        lines = list(field.queryset[:2])
        if len(lines) == 1:  # nothing to choose: the one line is preselected
            self.initial.setdefault("budget_line", lines[0].pk)
        self.initial.setdefault("booked_on", timezone.localdate())

    def clean_amount(self) -> str:
        return german_amount(self.cleaned_data["amount"])


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class MilestoneDoneForm(forms.Form):
    milestone = forms.ModelChoiceField(label=_("Milestone"), queryset=Milestone.objects.none())
    done_on = forms.DateField(label=_("Reached on"), widget=DateInput())

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        milestones: QuerySet[Milestone] = Milestone.objects.filter(measure=measure, done_on__isnull=True)
        cast(forms.ModelChoiceField, self.fields["milestone"]).queryset = milestones.select_related("measure")
        self.initial.setdefault("done_on", timezone.localdate())


class IndicatorValueForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    measured_on = forms.DateField(label=_("Measured on"), widget=DateInput())
    value = forms.CharField(
        label=_("Value"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    source = forms.CharField(label=_("Source"), max_length=300, help_text=_("Where the number comes from."))

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicators = Indicator.objects.filter(measure=measure).select_related("measure")
        cast(forms.ModelChoiceField, self.fields["indicator"]).queryset = indicators
        self.initial.setdefault("measured_on", timezone.localdate())

    def clean_value(self) -> str:
        return german_amount(self.cleaned_data["value"])


class ResponsibilityForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.order_by("name")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Responsibility.Role.choices)


MONTH = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})|(\d{1,2})[./](\d{4}))\s*$")


class MonthField(forms.Field):
    """A month as ``2026-03`` (what ``<input type="month">`` sends) or as Germans write it, ``03.2026``;
    cleaned to the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03", "maxlength": 7})

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()[:20]
        if not text:
            return None
        match = MONTH.match(text)
        if match is None:
            raise forms.ValidationError(_("Please give the month as MM.YYYY, for example 03.2026."))
        year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        if not 1 <= int(month) <= 12 or not 2000 <= int(year) <= 2100:
            raise forms.ValidationError(_("Please give the month as MM.YYYY, for example 03.2026."))
        return datetime.date(int(year), int(month), 1)


class StaffEffortForm(forms.Form):
    role = forms.ModelChoiceField(
        label=_("Staff role"), queryset=StaffRole.objects.filter(is_active=True).order_by("name")
    )
    month = MonthField(label=_("Month"))
    hours = forms.CharField(
        label=_("Hours"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("E.g. 12,5. The amount is hours × the role's hourly rate."),
    )
    description = forms.CharField(label=_("What was done"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("month", timezone.localdate().strftime("%Y-%m"))

    def clean_hours(self) -> str:
        return german_amount(self.cleaned_data["hours"])
