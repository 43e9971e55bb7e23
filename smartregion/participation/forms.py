"""Forms of the public participation pages.

The forms only parse input; what is allowed and what makes an idea or comment valid is decided by the
services (participation/services.py), whose ValidationErrors the views put back onto these forms with
``core.forms.add_service_error``. Required-field messages reuse the services' wording, so people read the same
sentence whichever layer noticed the gap.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from smartregion.core.forms import HoneypotMixin
from smartregion.network.models import Municipality
from smartregion.strategy.models import Domain

from .models import PUBLIC_IDEA_STATUSES, Channel, Process
from .selectors import IdeaFilters

# Five decimal places are about a metre: as precise as the model stores, more than a map click needs.
COORDINATE_STEP = Decimal("0.00001")
COMMENT_MAX_LENGTH = 5000
REPORT_MAX_LENGTH = 500


class IdeaForm(HoneypotMixin, forms.Form):
    """An idea submitted online: title, description, domains, where it applies, an optional image."""

    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("A short, clear title (up to 150 characters)."),
        error_messages={"required": _("Please give your idea a title.")},
    )
    body = forms.CharField(
        label=_("Description"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What should change, and why? You can format with Markdown: **bold**, *italic*, "
            "lists with “-” at the start of a line, and links."
        ),
        error_messages={"required": _("Please describe your idea.")},
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("Domains of life"),
        queryset=Domain.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
        error_messages={"required": _("Please choose at least one domain of life.")},
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("The whole region"),
        help_text=_("Which municipality does the idea concern?"),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("A place the idea concerns, in decimal degrees, for example 50.43."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("For example 7.40."),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("A JPEG, PNG or WebP file of up to 5 MB. Location data in the file is removed."),
    )
    image_alt = forms.CharField(
        label=_("Image description"),
        max_length=300,
        required=False,
        help_text=_("Needed with an image: describe what it shows, for people who cannot see it."),
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A process may name its domains and municipalities; the choice is then limited to them.
        domains: QuerySet[Domain] = process.domains.order_by("position", "name")
        if not process.domains.all():
            domains = Domain.objects.order_by("position", "name")
        municipalities: QuerySet[Municipality] = process.municipalities.order_by("name")
        if not process.municipalities.all():
            municipalities = Municipality.objects.order_by("name")
        cast(forms.ModelMultipleChoiceField, self.fields["domains"]).queryset = domains
        cast(forms.ModelChoiceField, self.fields["municipality"]).queryset = municipalities

    def _clean_coordinate(self, name: str) -> Decimal | None:
        value: Decimal | None = self.cleaned_data.get(name)
        return None if value is None else value.quantize(COORDINATE_STEP)

    def clean_latitude(self) -> Decimal | None:
        return self._clean_coordinate("latitude")

    def clean_longitude(self) -> Decimal | None:
        return self._clean_coordinate("longitude")

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of ``services.idea_create``."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "domains": list(data["domains"]),
            "municipality": data["municipality"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "image": data["image"] or None,
            "image_alt": data["image_alt"],
        }


class CommentForm(HoneypotMixin, forms.Form):
    """A comment, or with ``parent`` a reply to a top-level comment."""

    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please stay factual and friendly. Markdown is possible."),
        error_messages={"required": _("Please write a comment.")},
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class CommentEditForm(HoneypotMixin, forms.Form):
    """The corrected text of one's own comment."""

    body = forms.CharField(
        label=_("Corrected comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write a comment.")},
    )


class ReportForm(HoneypotMixin, forms.Form):
    """What is wrong with a comment or an idea, for the moderators."""

    reason = forms.CharField(
        label=_("What is wrong?"),
        max_length=REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: insulting, advertising, personal data of others. Only the moderators read it."
        ),
        error_messages={"required": _("Please tell us what is wrong.")},
    )


SORT_CHOICES = [
    ("relevance", _("Best match (with a search)")),
    ("newest", _("Newest first")),
    ("supported", _("Most supported")),
    ("discussed", _("Most discussed")),
    ("random", _("Random order")),
]


@dataclass(frozen=True)
class FilterControl:
    """One filter as the idea filters' template writes it out: a search box (no options) or a selection."""

    name: str
    id: str
    label: str
    value: str
    errors: list[str]
    options: list[tuple[str, str, bool]] | None  # (value, label, selected)
    max_length: int | None = None


class IdeaFilterForm(forms.Form):
    """The idea list's filters (a GET form, so a filtered list has an address to share and bookmark)."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    process = forms.ChoiceField(label=_("Process"), required=False)
    domain = forms.ChoiceField(label=_("Domain of life"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *[(status.value, status.label) for status in PUBLIC_IDEA_STATUSES]],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORT_CHOICES)

    def __init__(
        self,
        *args: Any,
        processes: list[Process],
        domains: list[Domain],
        municipalities: list[Municipality],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        self._processes = {process.slug: process for process in processes}
        everything = [("", _("All"))]
        cast(forms.ChoiceField, self.fields["process"]).choices = everything + [
            (process.slug, process.title) for process in processes
        ]
        cast(forms.ChoiceField, self.fields["domain"]).choices = everything + [
            (domain.slug, domain.name) for domain in domains
        ]
        cast(forms.ChoiceField, self.fields["municipality"]).choices = everything + [
            (municipality.slug, municipality.name) for municipality in municipalities
        ]

    def filters(self, *, seed: int = 1, process: Process | None = None) -> IdeaFilters:
        """The valid filters (an invalid one is left out and reported on the form); ``process`` fixes one."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return IdeaFilters(
            process=process or self._processes.get(data.get("process") or ""),
            domain=data.get("domain") or "",
            municipality=data.get("municipality") or "",
            status=data.get("status") or "",
            channel=data.get("channel") or "",
            q=data.get("q") or "",
            # A search is ordered by relevance unless the person chose another order.
            sort=data.get("sort") or ("relevance" if data.get("q") else "newest"),
            seed=seed,
        )

    def controls(self) -> list[FilterControl]:
        """The fields with their current values and options, for a template that writes them out by hand:
        seven fields with some forty options cost a fifth of the idea list through the widget templates."""
        controls = []
        for bound in self:
            value = bound.value()
            current = "" if value is None else str(value)
            choices = getattr(bound.field, "choices", None)
            controls.append(
                FilterControl(
                    name=bound.html_name,
                    id=bound.auto_id,
                    label=str(bound.label),
                    value=current,
                    errors=[str(error) for error in bound.errors],
                    options=None
                    if choices is None
                    else [(str(key), str(label), str(key) == current) for key, label in choices],
                    max_length=getattr(bound.field, "max_length", None),
                )
            )
        return controls

    @property
    def is_random(self) -> bool:
        """Whether the person asked for the random order (it needs a seed from the session)."""
        return self.data.get("sort") == "random"
