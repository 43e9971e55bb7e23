"""Forms for the staff pages: moderation decisions, blocks and ideas recorded on behalf of others.

The forms only parse input; what is allowed is decided by the services (participation/services.py),
whose ValidationErrors the views map back onto these forms with ``core.forms.add_service_error``.
"""

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.network.models import Municipality
from smartregion.network.selectors import municipality_list
from smartregion.strategy.selectors import domain_list

from . import services
from .models import PUBLIC_IDEA_STATUSES, Channel, Idea, IdeaStatus

REASON_MAX_LENGTH = 2000


class MergeTargetField(forms.ModelChoiceField):
    """Ideas to merge into, labelled with their number so that equal titles stay distinguishable."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} (#{obj.pk})"


class IdeaStatusForm(forms.Form):
    """A moderation decision: the next status of an idea, its public reason, and a merge target."""

    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Public reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_(
            "Shown with the idea and sent to its author and followers. Required when an idea is removed, "
            "merged or not pursued."
        ),
    )
    merged_into = MergeTargetField(
        label=_("Merge into"),
        queryset=Idea.objects.none(),
        required=False,
        empty_label=_("No merge"),
        help_text=_("Only when merging: the public idea of the same process that carries this one on."),
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = services.STATUS_TRANSITIONS.get(idea.status, set())
        # The workflow's order (IdeaStatus), not the set's arbitrary one.
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (status.value, status.label) for status in IdeaStatus if status in allowed
        ]
        if IdeaStatus.MERGED in allowed:
            cast(forms.ModelChoiceField, self.fields["merged_into"]).queryset = merge_targets(idea)
        else:
            del self.fields["merged_into"]

    @property
    def has_choices(self) -> bool:
        """Whether the idea can still change its status (a merged idea cannot)."""
        return bool(cast(forms.ChoiceField, self.fields["status"]).choices)


def merge_targets(idea: Idea) -> QuerySet[Idea]:
    """Public ideas of the same process an idea can be merged into: one query, only what the select shows."""
    statuses = [status for status in PUBLIC_IDEA_STATUSES if status != IdeaStatus.MERGED]
    return (
        Idea.objects.filter(process_id=idea.process_id, status__in=statuses)
        .exclude(pk=idea.pk)
        .only("id", "title")
        .order_by("title", "id")
    )


class CommentAction(forms.Form):
    """A moderation action on a comment."""

    HIDE, UNHIDE, HIGHLIGHT, UNHIGHLIGHT = "hide", "unhide", "highlight", "unhighlight"

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (HIDE, _("Hide")),
            (UNHIDE, _("Show again")),
            (HIGHLIGHT, _("Highlight")),
            (UNHIGHLIGHT, _("Remove highlight")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason for hiding"),
        max_length=300,
        required=False,
        help_text=_("Shown in place of the comment."),
    )


class UserBlockForm(forms.Form):
    """Block a person from contributing, indefinitely or until the end of a day."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Recorded in the moderation log and shown to the person when they try to contribute."),
    )
    until = forms.DateField(
        label=_("Blocked until (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: until a moderator lifts the block."),
    )

    def clean_until(self) -> datetime.date | None:
        until: datetime.date | None = self.cleaned_data.get("until")
        if until is not None and until < timezone.localdate():
            raise ValidationError(_("Please choose today or a later date."), code="past")
        return until

    def until_datetime(self) -> datetime.datetime | None:
        """The end of the chosen day in the site's time zone (the block runs through that day)."""
        until: datetime.date | None = self.cleaned_data.get("until")
        if until is None:
            return None
        next_day = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(next_day)


class IdeaRecordForm(forms.Form):
    """An idea that reached the program by e-mail, telephone, letter or at an event, recorded by staff."""

    channel = forms.ChoiceField(
        label=_("How did the idea reach us?"),
        choices=[(value, label) for value, label in Channel.choices if value != Channel.ONLINE],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(
        label=_("Description"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The idea in the person's own words, as far as possible. Markdown is possible."),
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("Domains of life"),
        queryset=domain_list(),
        widget=forms.CheckboxSelectMultiple,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=municipality_list(),
        required=False,
        empty_label=_("The whole region"),
    )
    contributor_name = forms.CharField(
        label=_("Name of the person"),
        max_length=200,
        required=False,
        help_text=_("For the program office only; never shown publicly."),
    )
    contributor_contact = forms.CharField(
        label=_("Contact (e-mail, telephone or address)"),
        max_length=300,
        required=False,
        help_text=_(
            "Only with the person's consent, to tell them what became of the idea. Never shown publicly."
        ),
    )
    consent_given = forms.BooleanField(
        label=_("The person agreed to the storage of their contact details"),
        required=False,
    )
    public_attribution = forms.CharField(
        label=_("Shown as author"),
        max_length=200,
        required=False,
        help_text=_(
            "Empty: how the idea reached us, e.g. “submitted by telephone”. You may name an event "
            "(“Workshop Andernach”), never a person."
        ),
    )

    def __init__(
        self, *args: Any, municipalities: QuerySet[Municipality] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            cast(forms.ModelChoiceField, self.fields["municipality"]).queryset = municipalities


class IdeaModerationForm(forms.Form):
    """The moderators' edit of an idea: its content, passages to redact, and the public reason."""

    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(
        label=_("Description"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown is possible."),
    )
    redactions = forms.CharField(
        label=_("Passages to remove"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One passage per line, copied exactly from the title or the description, e.g. a telephone "
            "number or a name. Each is replaced by “[entfernt]” everywhere it occurs."
        ),
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("Domains of life"),
        queryset=domain_list(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one domain of life.")},
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=municipality_list(),
        required=False,
        empty_label=_("The whole region"),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=5,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("Empty together with the longitude: no place."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=5,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    image = forms.FileField(
        label=_("New image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Replaces the current image. A JPEG, PNG or WebP file of up to 5 MB."),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)
    image_alt = forms.CharField(label=_("Image description"), max_length=300, required=False)
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=300,
        help_text=_(
            "Shown on the idea's page as “edited by the moderation” and sent to the author, e.g. "
            "“Telephone number removed”."
        ),
        error_messages={"required": _("Please give a public reason for the edit.")},
    )

    def __init__(self, *args: Any, idea: Idea, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": idea.title,
                "body": idea.body,
                "domains": list(idea.domains.all()),
                "municipality": idea.municipality,
                "latitude": idea.latitude,
                "longitude": idea.longitude,
                "image_alt": idea.image_alt,
            },
        )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["municipality"]).queryset = municipalities
        if not idea.image:
            del self.fields["remove_image"]

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of ``services.idea_edit_by_moderation``."""
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
            "remove_image": data.get("remove_image", False),
            "redactions": data["redactions"].splitlines(),
            "reason": data["reason"],
        }
