"""Forms of surveys: the builder's (survey, section, question) and the answer form built from a survey.

The answer form validates every question type on the server and evaluates the conditions in order: a
question (or section) shown only for certain answers to an earlier question counts as hidden unless one
of them was given, its answers are dropped and its "required" does not apply.
"""

import copy
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from smartregion.accounts.models import AgeGroup
from smartregion.core.forms import HoneypotMixin
from smartregion.network.models import Municipality
from smartregion.participation.models import Process

from .models import (
    ASSISTED_CHANNELS,
    CHOICE_KINDS,
    OPTION_KINDS,
    Answer,
    Option,
    Question,
    QuestionKind,
    Section,
    Survey,
)
from .services import QuestionData, Respondent

OTHER = "other"
SHORT_TEXT_LIMIT = 300
LONG_TEXT_LIMIT = 5000
COORDINATE_STEP = Decimal("0.00001")


# --- Builder -------------------------------------------------------------------------------------------


class SurveyForm(forms.ModelForm):
    """A survey's settings."""

    class Meta:
        model = Survey
        fields = ["process", "kind", "title", "description", "audience", "show_results", "on_start_page"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["process"]).queryset = Process.objects.order_by("title")
        if self.instance.pk:
            # A survey stays in its process: its answers were given there.
            del self.fields["process"]
            del self.fields["kind"]


def _condition_choices(options: Iterable[Option]) -> list[tuple[int, str]]:
    return [(option.pk, f"{option.question.text} → {option.text}") for option in options]


class ConditionField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            coerce=int,
            required=False,
            label=gettext_lazy("Show only if one of these answers was given"),
            help_text=gettext_lazy(
                "Optional. Answers to earlier single- or multiple-choice questions; empty: always shown."
            ),
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )


def _clean_condition(values: list[int], available: dict[int, Option]) -> list[Option]:
    options = [available[value] for value in values if value in available]
    if len({option.question_id for option in options}) > 1:
        raise forms.ValidationError(_("Please choose answers of one question only."))
    return options


class SectionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_if = ConditionField()

    def __init__(self, *args: Any, conditions: list[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.available = {option.pk: option for option in conditions}
        cast(ConditionField, self.fields["show_if"]).choices = _condition_choices(conditions)

    def clean_show_if(self) -> list[Option]:
        return _clean_condition(self.cleaned_data.get("show_if") or [], self.available)


class QuestionForm(forms.Form):
    """A question; the settings that its kind does not use are ignored."""

    section = forms.ModelChoiceField(
        label=gettext_lazy("Section"), queryset=Section.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of question"), choices=QuestionKind.choices)
    text = forms.CharField(label=gettext_lazy("Question"), max_length=500)
    help_text = forms.CharField(label=gettext_lazy("Help text"), max_length=500, required=False)
    required = forms.BooleanField(label=gettext_lazy("Answer required"), required=False)
    options = forms.CharField(
        label=gettext_lazy("Options (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "For single and multiple choice and ranking the options, for a matrix its rows."
        ),
    )
    allow_other = forms.BooleanField(label=gettext_lazy("Offer “other: …” with a text"), required=False)
    shuffle_options = forms.BooleanField(
        label=gettext_lazy("Shuffle the order of the options"), required=False
    )
    min_choices = forms.IntegerField(
        label=gettext_lazy("Multiple choice: at least"), min_value=0, required=False
    )
    max_choices = forms.IntegerField(
        label=gettext_lazy("Multiple choice: at most"), min_value=1, required=False
    )
    max_length = forms.IntegerField(
        label=gettext_lazy("Text: maximum length (characters)"),
        min_value=1,
        max_value=LONG_TEXT_LIMIT,
        required=False,
    )
    scale_max = forms.TypedChoiceField(
        label=gettext_lazy("Scale and matrix: from 1 to"),
        choices=[(5, "5"), (10, "10")],
        coerce=int,
        required=False,
        empty_value=None,
    )
    scale_min_label = forms.CharField(
        label=gettext_lazy("Label of the lowest value"), max_length=100, required=False
    )
    scale_max_label = forms.CharField(
        label=gettext_lazy("Label of the highest value"), max_length=100, required=False
    )
    number_min = forms.DecimalField(
        label=gettext_lazy("Number: smallest"), max_digits=14, decimal_places=2, required=False
    )
    number_max = forms.DecimalField(
        label=gettext_lazy("Number: largest"), max_digits=14, decimal_places=2, required=False
    )
    show_if = ConditionField()
    note = forms.CharField(
        label=gettext_lazy("Note on the correction"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Needed once the survey has answers: what was corrected, and why."),
    )

    def __init__(self, *args: Any, survey: Survey, conditions: list[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["section"]).queryset = survey.sections.order_by(
            "position", "id"
        )
        self.available = {option.pk: option for option in conditions}
        cast(ConditionField, self.fields["show_if"]).choices = _condition_choices(conditions)

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        initial = {
            name: getattr(question, name)
            for name in (
                "section",
                "kind",
                "text",
                "help_text",
                "required",
                "allow_other",
                "shuffle_options",
                "min_choices",
                "max_choices",
                "max_length",
                "scale_max",
                "scale_min_label",
                "scale_max_label",
                "number_min",
                "number_max",
            )
        }
        initial["options"] = "\n".join(option.text for option in question.options.all())
        initial["show_if"] = [option.pk for option in question.show_if.all()]
        return initial

    def clean_show_if(self) -> list[Option]:
        return _clean_condition(self.cleaned_data.get("show_if") or [], self.available)

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        kind = data.get("kind")
        options = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        data["options"] = options
        if any(len(option) > 300 for option in options):
            self.add_error("options", _("An option may have at most 300 characters."))
        if kind in OPTION_KINDS and len(options) < 2:
            self.add_error("options", _("Please give at least two options, one per line."))
        if kind in (QuestionKind.SCALE, QuestionKind.MATRIX) and not data.get("scale_max"):
            self.add_error("scale_max", _("Please choose the scale's length."))
        low, high = data.get("min_choices"), data.get("max_choices")
        if kind == QuestionKind.MULTIPLE:
            if low is not None and high is not None and low > high:
                self.add_error("max_choices", _("“At most” must not be smaller than “at least”."))
            if high is not None and high > len(options) + (1 if data.get("allow_other") else 0):
                self.add_error("max_choices", _("“At most” must not exceed the number of options."))
        if (
            kind == QuestionKind.NUMBER
            and data.get("number_min") is not None
            and data.get("number_max") is not None
            and data["number_min"] > data["number_max"]
        ):
            self.add_error("number_max", _("The largest number must not be smaller than the smallest."))
        return data

    def question_data(self) -> QuestionData:
        data = self.cleaned_data
        kind = data["kind"]
        uses = {
            "choices": kind == QuestionKind.MULTIPLE,
            "other": kind in CHOICE_KINDS,
            "shuffle": kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING),
            "length": kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT),
            "scale": kind in (QuestionKind.SCALE, QuestionKind.MATRIX),
            "number": kind == QuestionKind.NUMBER,
        }
        return QuestionData(
            section=data["section"],
            kind=kind,
            text=data["text"],
            help_text=data["help_text"],
            required=data["required"],
            shuffle_options=uses["shuffle"] and data["shuffle_options"],
            allow_other=uses["other"] and data["allow_other"],
            min_choices=data["min_choices"] if uses["choices"] else None,
            max_choices=data["max_choices"] if uses["choices"] else None,
            max_length=data["max_length"] if uses["length"] else None,
            scale_max=data["scale_max"] if uses["scale"] else None,
            scale_min_label=data["scale_min_label"] if uses["scale"] else "",
            scale_max_label=data["scale_max_label"] if uses["scale"] else "",
            number_min=data["number_min"] if uses["number"] else None,
            number_max=data["number_max"] if uses["number"] else None,
            options=data["options"] if kind in OPTION_KINDS else [],
            show_if=data["show_if"],
        )


# --- Answering -----------------------------------------------------------------------------------------


@dataclass
class Block:
    """A question as the template renders it: its fields (one, or several for rankings, matrices, points
    and "other" texts) and, for a conditional question, the answers it depends on."""

    question: Question
    fields: list[forms.BoundField]
    condition: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def grouped(self) -> bool:
        """Rankings, matrices and points: several fields under one legend."""
        return self.question.kind in (QuestionKind.RANKING, QuestionKind.MATRIX, QuestionKind.POINT)


@dataclass
class SectionBlock:
    section: Section
    blocks: list[Block]
    condition: str = ""


def _condition_text(options: list[Option]) -> str:
    if not options:
        return ""
    joiner = " " + _("or") + " "
    return _("Please answer only if you chose %(answers)s for “%(question)s”.") % {
        "answers": joiner.join(f"„{option.text}“" for option in options),
        "question": options[0].question.text,
    }


# Per survey and language, the fields of the questions in the list ``selectors.questionnaire`` keeps for
# the survey's version (the same list object until the survey changes). A form copies them, which costs a
# fraction of building them (their choices are normalised once). Questions with shuffled options are
# built for each form, in its respondent's order.
_built: dict[tuple[int, str], tuple[list[Question], dict[str, forms.Field], dict[int, list[str]]]] = {}


class ResponseForm(HoneypotMixin, forms.Form):
    """The answer form of a survey, with the voluntary municipality and age group at the end."""

    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Your municipality (voluntary)"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=gettext_lazy("No answer"),
        help_text=gettext_lazy(
            "Helps the program office see which towns it reaches. Never shown with your answers."
        ),
    )
    age_group = forms.ChoiceField(
        label=gettext_lazy("Your age group (voluntary)"),
        choices=[("", gettext_lazy("No answer")), *AgeGroup.choices],
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        sections: list[Section],
        questions: list[Question],
        municipalities: Iterable[Municipality] | None = None,
        seed: int = 0,
        existing: Iterable[Answer] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sections, self.questions = sections, questions
        self.order_fields([])
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")  # type: ignore[attr-defined]
        if municipalities is not None:
            self.fields["municipality"].choices = [("", _("No answer"))] + [  # type: ignore[attr-defined]
                (m.pk, m.name) for m in municipalities
            ]
        self.answers: list[Answer] = []
        self.question_fields: dict[int, list[str]] = {}
        fixed, fixed_names = self._fixed_fields(questions)
        shuffler = random.Random(seed)  # noqa: S311 - an order, not a secret
        for question in questions:
            if question.shuffle_options:
                self.question_fields[question.pk] = self._add_fields(self.fields, question, shuffler)
            else:
                self.question_fields[question.pk] = fixed_names[question.pk]
                for name in fixed_names[question.pk]:
                    # A shallow copy: a form changes a field's own attributes (``required``, while it
                    # validates), never its widget, choices or messages, which the copies share. Deep
                    # copies took 4 ms of every answer.
                    self.fields[name] = copy.copy(fixed[name])
        self._set_initial(existing)
        # The voluntary fields and the honeypot come after the questions.
        self.order_fields([name for names in self.question_fields.values() for name in names])

    # -- building

    @classmethod
    def _fixed_fields(cls, questions: list[Question]) -> tuple[dict[str, forms.Field], dict[int, list[str]]]:
        """The fields of the questions whose options keep their order, built once per questionnaire."""
        key = (questions[0].survey_id if questions else 0, get_language() or "")
        built = _built.get(key)
        if built is None or built[0] is not questions:
            fields: dict[str, forms.Field] = {}
            names = {
                question.pk: cls._add_fields(fields, question, None)
                for question in questions
                if not question.shuffle_options
            }
            built = _built[key] = (questions, fields, names)
        return built[1], built[2]

    @classmethod
    def _add_fields(  # noqa: PLR0911, PLR0912 - one branch per question kind reads clearer than a table
        cls, fields: dict[str, forms.Field], question: Question, shuffler: random.Random | None
    ) -> list[str]:
        name, kind = question.field_name, question.kind
        options = list(question.options.all())
        if shuffler is not None:
            shuffler.shuffle(options)
        # ``required`` marks the label (full_clean lifts it: a hidden question's required does not apply).
        common: dict[str, Any] = {"required": question.required, "help_text": question.help_text}
        label = question.text
        if kind in CHOICE_KINDS:
            choices = [(str(option.pk), option.text) for option in options]
            if question.allow_other:
                choices.append((OTHER, _("Other")))
            if kind == QuestionKind.SINGLE:
                fields[name] = forms.ChoiceField(
                    label=label, choices=choices, widget=forms.RadioSelect, **common
                )
            else:
                fields[name] = forms.MultipleChoiceField(
                    label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **common
                )
            if question.allow_other:
                fields[f"{name}_other"] = forms.CharField(
                    label=_("Other: please specify"), max_length=SHORT_TEXT_LIMIT, required=False
                )
                return [name, f"{name}_other"]
            return [name]
        if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            limit = question.max_length or (
                SHORT_TEXT_LIMIT if kind == QuestionKind.SHORT_TEXT else LONG_TEXT_LIMIT
            )
            widget = forms.Textarea(attrs={"rows": 5}) if kind == QuestionKind.LONG_TEXT else forms.TextInput
            fields[name] = forms.CharField(label=label, max_length=limit, widget=widget, **common)
            return [name]
        if kind == QuestionKind.SCALE:
            fields[name] = forms.TypedChoiceField(
                label=label,
                choices=cls._scale_choices(question),
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "sr-scale"}),
                **common,
            )
            return [name]
        if kind == QuestionKind.RANKING:
            names = []
            for option in options:
                sub = f"{name}_o{option.pk}"
                fields[sub] = forms.IntegerField(
                    label=_("Rank of “%(option)s”") % {"option": option.text},
                    min_value=1,
                    max_value=len(options),
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "sr-rank"}),
                )
                names.append(sub)
            return names
        if kind == QuestionKind.MATRIX:
            names = []
            for option in options:
                sub = f"{name}_r{option.pk}"
                fields[sub] = forms.TypedChoiceField(
                    label=option.text,
                    choices=cls._scale_choices(question),
                    coerce=int,
                    required=False,
                    widget=forms.RadioSelect(attrs={"class": "sr-scale"}),
                )
                names.append(sub)
            return names
        if kind == QuestionKind.NUMBER:
            fields[name] = forms.DecimalField(
                label=label,
                min_value=question.number_min,
                max_value=question.number_max,
                max_digits=14,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                **common,
            )
            return [name]
        if kind == QuestionKind.DATE:
            fields[name] = forms.DateField(
                label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
            )
            return [name]
        # A point: latitude and longitude, filled in by clicking the map where JavaScript runs.
        fields[f"{name}_lat"] = forms.DecimalField(
            label=_("Latitude"),
            min_value=-90,
            max_value=90,
            required=False,
            help_text=_("In decimal degrees, for example 50.43."),
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        )
        fields[f"{name}_lon"] = forms.DecimalField(
            label=_("Longitude"),
            min_value=-180,
            max_value=180,
            required=False,
            help_text=_("For example 7.40."),
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        )
        return [f"{name}_lat", f"{name}_lon"]

    @staticmethod
    def _scale_choices(question: Question) -> list[tuple[int, str]]:
        top = question.scale_max or 5
        choices = [(value, str(value)) for value in range(1, top + 1)]
        if question.scale_min_label:
            choices[0] = (1, f"1 – {question.scale_min_label}")
        if question.scale_max_label:
            choices[-1] = (top, f"{top} – {question.scale_max_label}")
        return choices

    def _set_initial(self, existing: Iterable[Answer]) -> None:  # noqa: PLR0912 - one branch per kind
        by_question: dict[int, list[Answer]] = {}
        for answer in existing:
            by_question.setdefault(answer.question_id, []).append(answer)
        for question in self.questions:
            given = by_question.get(question.pk)
            if not given:
                continue
            name, kind = question.field_name, question.kind
            if kind in CHOICE_KINDS:
                chosen = [str(a.option_id) if a.option_id else OTHER for a in given]
                self.initial[name] = chosen[0] if kind == QuestionKind.SINGLE else chosen
                if other := next((a.text for a in given if a.option_id is None), ""):
                    self.initial[f"{name}_other"] = other
            elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
                self.initial[name] = given[0].text
            elif kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
                number = given[0].number
                self.initial[name] = (
                    int(number) if kind == QuestionKind.SCALE and number is not None else number
                )
            elif kind == QuestionKind.RANKING:
                for a in given:
                    self.initial[f"{name}_o{a.option_id}"] = int(a.number or 0)
            elif kind == QuestionKind.MATRIX:
                for a in given:
                    self.initial[f"{name}_r{a.option_id}"] = int(a.number or 0)
            elif kind == QuestionKind.DATE:
                self.initial[name] = given[0].date
            elif kind == QuestionKind.POINT:
                self.initial[f"{name}_lat"], self.initial[f"{name}_lon"] = (
                    given[0].latitude,
                    given[0].longitude,
                )

    # -- validating

    def full_clean(self) -> None:
        """Validate with every question optional: clean() asks "required" of the questions shown only."""
        names = [name for names in self.question_fields.values() for name in names]
        required = {name: self.fields[name].required for name in names}
        for name in names:
            self.fields[name].required = False
        try:
            super().full_clean()
        finally:
            for name, value in required.items():
                self.fields[name].required = value

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        from smartregion.participation.selectors import region_bounds

        chosen: set[int] = set()
        section_conditions = {section.pk: list(section.show_if.all()) for section in self.sections}
        bounds = None
        answers: list[Answer] = []
        for question in self.questions:
            # Conditions name earlier questions only, so the choices gathered so far decide.
            shown = self._shown(section_conditions.get(question.section_id, []), chosen) and self._shown(
                list(question.show_if.all()), chosen
            )
            if not shown:
                continue
            if question.kind == QuestionKind.POINT and bounds is None:
                bounds = region_bounds()
            given = self._answers_for(question, data, bounds)
            if given is None:
                continue
            if question.required and not given:
                self.add_error(self.question_fields[question.pk][0], _("Please answer this question."))
                continue
            for answer in given:
                if answer.option_id is not None and question.kind in CHOICE_KINDS:
                    chosen.add(answer.option_id)
            answers.extend(given)
        self.answers = answers
        return data

    @staticmethod
    def _shown(conditions: list[Option], chosen: set[int]) -> bool:
        return not conditions or any(option.pk in chosen for option in conditions)

    def _answers_for(self, question: Question, data: dict[str, Any], bounds: Any) -> list[Answer] | None:  # noqa: PLR0911, PLR0912
        """The question's answers, [] when not answered, None when invalid (the error is on the form)."""
        name, kind = question.field_name, question.kind
        first = self.question_fields[question.pk][0]
        if any(sub in self.errors for sub in self.question_fields[question.pk]):
            return None
        q = question
        if kind in CHOICE_KINDS:
            raw = data.get(name) or ([] if kind == QuestionKind.MULTIPLE else "")
            values = raw if isinstance(raw, list) else ([raw] if raw else [])
            answers = [Answer(question=q, option_id=int(v)) for v in values if v != OTHER]
            if OTHER in values:
                other = (data.get(f"{name}_other") or "").strip()
                if not other:
                    self.add_error(f"{name}_other", _("Please say what “other” means, or untick it."))
                    return None
                answers.append(Answer(question=q, text=other))
            elif (data.get(f"{name}_other") or "").strip():
                self.add_error(f"{name}_other", _("Please choose “Other” as well, or clear this text."))
                return None
            if kind == QuestionKind.MULTIPLE and answers:
                if q.min_choices and len(answers) < q.min_choices:
                    self.add_error(first, _("Please choose at least %(n)d.") % {"n": q.min_choices})
                    return None
                if q.max_choices and len(answers) > q.max_choices:
                    self.add_error(first, _("Please choose at most %(n)d.") % {"n": q.max_choices})
                    return None
            return answers
        if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            text = (data.get(name) or "").strip()
            return [Answer(question=q, text=text)] if text else []
        if kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            value = data.get(name)
            return [] if value in (None, "") else [Answer(question=q, number=Decimal(str(value)))]
        if kind == QuestionKind.DATE:
            value = data.get(name)
            return [Answer(question=q, date=value)] if value else []
        if kind == QuestionKind.RANKING:
            names = self.question_fields[q.pk]
            ranks = {sub: data.get(sub) for sub in names}
            given = [rank for rank in ranks.values() if rank is not None]
            if not given:
                return []
            if len(given) != len(names) or sorted(given) != list(range(1, len(names) + 1)):
                self.add_error(
                    first,
                    _("Please give every option a different rank from 1 to %(n)d.") % {"n": len(names)},
                )
                return None
            return [
                Answer(question=q, option_id=int(sub.rsplit("_o", 1)[1]), number=Decimal(str(rank)))
                for sub, rank in ranks.items()
            ]
        if kind == QuestionKind.MATRIX:
            names = self.question_fields[q.pk]
            row_values = {sub: data.get(sub) for sub in names}
            answered = {sub: value for sub, value in row_values.items() if value not in (None, "")}
            if q.required and answered and len(answered) != len(names):
                for sub in names:
                    if sub not in answered:
                        self.add_error(sub, _("Please answer this row."))
                return None
            return [
                Answer(question=q, option_id=int(sub.rsplit("_r", 1)[1]), number=Decimal(str(value)))
                for sub, value in answered.items()
            ]
        # A point.
        lat, lon = data.get(f"{q.field_name}_lat"), data.get(f"{q.field_name}_lon")
        if lat is None and lon is None:
            return []
        if lat is None or lon is None:
            self.add_error(first, _("Please give both latitude and longitude, or neither."))
            return None
        if bounds is None or not bounds.contains(lat, lon):
            self.add_error(
                first, _("This place lies outside the region. Please choose a place within the region.")
            )
            return None
        return [
            Answer(
                question=q, latitude=lat.quantize(COORDINATE_STEP), longitude=lon.quantize(COORDINATE_STEP)
            )
        ]

    # -- rendering

    def section_blocks(self) -> list[SectionBlock]:
        result = []
        for section in self.sections:
            blocks = [
                Block(
                    question=question,
                    fields=[self[name] for name in self.question_fields[question.pk]],
                    condition=_condition_text(list(question.show_if.all())),
                )
                for question in self.questions
                if question.section_id == section.pk
            ]
            if blocks:
                result.append(SectionBlock(section, blocks, _condition_text(list(section.show_if.all()))))
        return result

    def respondent(self) -> Respondent:
        return Respondent(
            municipality=self.cleaned_data.get("municipality"),
            age_group=self.cleaned_data.get("age_group") or "",
        )


class EntryForm(ResponseForm):
    """Staff entering a questionnaire answered on paper, at an event or by telephone."""

    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[(channel.value, channel.label) for channel in ASSISTED_CHANNELS],
    )
    provenance = forms.CharField(
        label=gettext_lazy("Provenance"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Where the questionnaire came from, e.g. 'Town hall Mendig' or 'Workshop Andernach'."
        ),
    )
    paper_number = forms.CharField(
        label=gettext_lazy("Paper form number"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("The number printed on the paper form; each form can be entered once."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("channel") == "paper" and not (data.get("paper_number") or "").strip():
            self.add_error("paper_number", _("Please give the number of the paper form."))
        return data
