"""Forms of the insights pages (the office's analyses and the public search): they parse input; the services
decide what is allowed."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from smartregion.strategy.models import Domain, Strategy
from smartregion.surveys.models import Question

from .models import MAX_CLUSTERS, MIN_CLUSTERS, SearchKind

MERGE_REASON = _("This idea says the same as another one; its supports were carried over.")


class MergeForm(forms.Form):
    """Which idea of a pair carries on, and the public reason for the merge."""

    keep = forms.TypedChoiceField(label=_("Keep this idea"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=MERGE_REASON,
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = choices  # type: ignore[attr-defined]
        self.fields["keep"].initial = choices[0][0] if choices else None


class DomainsForm(forms.Form):
    """A moderator's own choice of domains for an idea (correcting a suggestion)."""

    domains = forms.ModelMultipleChoiceField(
        label=_("Domains of life"), queryset=Domain.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, domains: QuerySet[Domain], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = domains  # type: ignore[attr-defined]


class RenameForm(forms.Form):
    """A cluster's new name."""

    name = forms.CharField(label=_("Name"), max_length=200)


class MoveForm(forms.Form):
    """Move one idea (a member of the cluster) into another cluster of the same run."""

    member = forms.IntegerField(label=_("Idea"), widget=forms.HiddenInput)
    target = forms.TypedChoiceField(label=_("Move to cluster"), coerce=int)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = choices  # type: ignore[attr-defined]


class MeasureForm(forms.Form):
    """A draft measure made from a cluster: its title and the strategy it belongs to."""

    title = forms.CharField(label=_("Title of the measure"), max_length=200)
    strategy = forms.ModelChoiceField(
        label=_("Strategy"), queryset=Strategy.objects.order_by("position", "title")
    )


class GoalForm(forms.Form):
    """A draft goal made from a cluster: its title."""

    title = forms.CharField(label=_("Title of the goal"), max_length=200)


class QuestionChoiceField(forms.ModelChoiceField):
    """A survey question, named with its survey."""

    def label_from_instance(self, obj: Question) -> str:
        names = {"question": obj.text, "survey": obj.survey.title}
        return str(_("Answers to “%(question)s” (%(survey)s)") % names)


class ClusterRunForm(forms.Form):
    """What the office clusters (the ideas, or a survey question's free-text answers) and into how many
    clusters; empty lets the server choose."""

    question = QuestionChoiceField(
        label=_("What to cluster"),
        queryset=Question.objects.none(),
        required=False,
        empty_label=_("The ideas of the process"),
    )

    clusters = forms.IntegerField(
        label=_("Number of clusters"),
        help_text=_("Leave empty to let the server choose (between 2 and 25)."),
        required=False,
        min_value=MIN_CLUSTERS,
        max_value=MAX_CLUSTERS,
    )

    def __init__(self, *args: Any, questions: QuerySet[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = questions  # type: ignore[attr-defined]


class BriefingFilter(forms.Form):
    """The idea list's filters for keywords and a summary."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    gemeinde = forms.IntegerField(label=_("Municipality"), required=False, widget=forms.Select)
    lebensbereich = forms.IntegerField(label=_("Domain of life"), required=False, widget=forms.Select)

    def __init__(
        self,
        *args: Any,
        statuses: list[tuple[str, str]],
        municipalities: list[tuple[int | str, str]],
        domains: list[tuple[int | str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All public ideas")), *statuses]  # type: ignore[attr-defined]
        self.fields["gemeinde"].widget.choices = [("", _("All municipalities")), *municipalities]
        self.fields["lebensbereich"].widget.choices = [("", _("All domains of life")), *domains]


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
