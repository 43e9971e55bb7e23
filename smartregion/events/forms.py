"""Forms of the event pages. They only parse input; the services decide what is valid and allowed, and the
views put the services' ValidationErrors back onto the forms (``core.forms.add_service_error``)."""

from typing import Any, cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartregion.core.forms import HoneypotMixin
from smartregion.network.models import Municipality, Organization
from smartregion.participation.models import Process
from smartregion.strategy.models import Domain

from .models import Event, EventFormat
from .selectors import EventFilters

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
CARD_ROWS = 5


class EventFilterForm(forms.Form):
    """The calendar's filters as a plain GET form (works without JavaScript)."""

    when = forms.ChoiceField(
        label=_("Time"),
        required=False,
        choices=[("upcoming", _("Upcoming events")), ("past", _("Past events"))],
    )
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All formats")), *EventFormat.choices]
    )
    process = forms.ChoiceField(label=_("Participation process"), required=False)
    step_free = forms.BooleanField(label=_("Only with step-free access"), required=False)

    def __init__(
        self, *args: Any, municipalities: list[Municipality], processes: list[Process], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["municipality"]).choices = [("", _("All municipalities"))] + [
            (m.slug, m.name) for m in municipalities
        ]
        cast(forms.ChoiceField, self.fields["process"]).choices = [("", _("All processes"))] + [
            (p.slug, p.title) for p in processes
        ]

    def filters(self) -> EventFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return EventFilters(
            municipality=data.get("municipality", ""),
            format=data.get("format", ""),
            process=data.get("process", ""),
            when=data.get("when") or "upcoming",
            step_free=bool(data.get("step_free")),
        )


class RegistrationForm(HoneypotMixin, forms.Form):
    """Registration: guests give name and e-mail; signed-in people only decide what they share."""

    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Please give your name.")}
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send you a link to confirm your registration."),
        error_messages={
            "required": _("Please give a valid e-mail address, for example name@example.org."),
            "invalid": _("Please give a valid e-mail address, for example name@example.org."),
        },
    )
    share_contact = forms.BooleanField(
        label=_("Share my name and e-mail address with the organizers"),
        required=False,
    )

    def __init__(self, *args: Any, guest: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not guest:
            del self.fields["name"]
            del self.fields["email"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_INPUT, **kwargs)


def _https_urls(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Web addresses typed without a scheme are taken as https:// (Django 6.0's default, chosen now)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class EventForm(forms.ModelForm):
    """Create or change an event (organizers)."""

    class Meta:
        model = Event
        formfield_callback = _https_urls
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "format",
            "status",
            "process",
            "municipality",
            "organizers",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "latitude",
            "longitude",
            "online_url",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "step_free",
            "hearing_loop",
            "sign_language_on_request",
            "sign_language_request_by",
            "accessibility_notes",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "registration_opens_at": DateTimeInput(),
            "registration_closes_at": DateTimeInput(),
            "sign_language_request_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 6}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "organizers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = [
                DATETIME_INPUT,
                "%Y-%m-%d %H:%M",
                "%d.%m.%Y %H:%M",
            ]
        cast(forms.ModelChoiceField, self.fields["process"]).queryset = Process.objects.order_by("title")
        cast(forms.ModelChoiceField, self.fields["municipality"]).queryset = Municipality.objects.order_by(
            "name"
        )
        cast(
            forms.ModelMultipleChoiceField, self.fields["organizers"]
        ).queryset = Organization.objects.order_by("name")
        self.fields["ends_at"].error_messages["required"] = _("Please give when the event ends.")
        self.fields["starts_at"].error_messages["required"] = _("Please give when the event starts.")

    def _post_clean(self) -> None:
        # Model validation (constraints, uniqueness) is the service's job: it answers with field messages.
        pass

    def service_data(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "organizers"}


class MessageForm(forms.Form):
    """A message to the registrants."""

    subject = forms.CharField(
        label=_("Subject"), max_length=200, error_messages={"required": _("Please give a subject.")}
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Please write a message.")},
    )
    include_waiting = forms.BooleanField(label=_("Also send to the waiting list"), required=False)


class MinutesForm(forms.Form):
    """The minutes in Markdown, published or kept as a draft."""

    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, lists with “-”, headings with “###”, links."),
    )
    publish = forms.BooleanField(label=_("Publish the minutes on the event page"), required=False)


class AttachmentForm(forms.Form):
    """A file for the minutes."""

    title = forms.CharField(
        label=_("Title of the file"),
        max_length=200,
        error_messages={"required": _("Please give the file a title.")},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG; at most 10 MB."),
        error_messages={"required": _("Please choose a file.")},
    )


class CardForm(forms.Form):
    """One workshop card; an empty row is skipped, a row with only a text needs a title."""

    title = forms.CharField(label=_("Title"), max_length=150, required=False)
    text = forms.CharField(
        label=_("Text"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    domain = forms.ModelChoiceField(
        label=_("Domain of life"),
        queryset=Domain.objects.none(),
        required=False,
        empty_label=_("As chosen above"),
    )

    def __init__(self, *args: Any, domains: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["domain"])
        field.queryset = domains if domains is not None else Domain.objects.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("text") or "").strip() and not (data.get("title") or "").strip():
            self.add_error("title", _("Please give this card a title."))
        return data

    @property
    def is_filled(self) -> bool:
        return bool((self.cleaned_data.get("title") or "").strip())


class CardDefaultsForm(forms.Form):
    """What all cards of one entry have in common."""

    domain = forms.ModelChoiceField(
        label=_("Domain of life for the cards"),
        queryset=Domain.objects.none(),
        error_messages={"required": _("Please choose a domain of life.")},
    )

    def __init__(self, *args: Any, domains: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["domain"]).queryset = domains


CardFormSet = forms.formset_factory(CardForm, extra=CARD_ROWS, max_num=50, absolute_max=50)
