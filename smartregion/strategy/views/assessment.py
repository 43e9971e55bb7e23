"""The expert board's assessment pages: the rounds, a round (the board's candidates, the office's
prioritization, or the published results), the scoring form of one candidate, and publishing.

Views parse, authorize, make one service or selector call and render; the services in
strategy/assessment.py ask the rules again before they write. A round whose results are not published
is answered 404 to everyone outside the board and the office, so that its existence is not revealed.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from smartregion.accounts.models import User
from smartregion.accounts.predicates import is_expert, is_program_office
from smartregion.core.forms import add_service_error
from smartregion.participation.models import PUBLIC_IDEA_STATUSES, Idea

from .. import assessment as service
from ..models import AssessmentRound, Criterion, Measure

POST_RATE = "60/m"
# ?sortierung= on the office's prioritization table.
SORTINGS: dict[str, service.Order] = {"punkte": "score", "unterstuetzung": "support", "kosten": "cost"}
SCORE_CHOICES = [
    ("1", gettext_lazy("1 – low")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", gettext_lazy("5 – high")),
]


class AssessmentForm(forms.Form):
    """One radio group 1 to 5 per active criterion, a comment, and the conflict-of-interest declaration.

    The scores are required unless the sent form declares a conflict, when they must stay empty; the
    service checks both cases again (its errors come back on the fields ``criterion_<id>``).
    """

    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Seen by the board and the program office, never published."),
    )
    conflict = forms.BooleanField(
        label=gettext_lazy("I have a conflict of interest and do not score this candidate"),
        required=False,
    )
    conflict_note = forms.CharField(
        label=gettext_lazy("Note on the conflict of interest"), max_length=500, required=False
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        declares_conflict = self.is_bound and self.add_prefix("conflict") in self.data
        scores = {
            service.score_field(criterion): forms.TypedChoiceField(
                label=f"{criterion.name} ({_('weight %(weight)s') % {'weight': criterion.weight}})",
                # help_text is rendered unescaped (it may hold our own markup); a criterion is data.
                help_text=escape(criterion.description),
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=not declares_conflict,
                error_messages={
                    "required": _("Please score “%(criterion)s” from 1 to 5.") % {"criterion": criterion.name}
                },
                widget=forms.RadioSelect,
            )
            for criterion in criteria
        }
        # The scores first, in the criteria's order, then comment and conflict.
        self.fields = {**scores, **self.fields}

    def scores(self) -> dict[int, int]:
        return {
            criterion.pk: self.cleaned_data[service.score_field(criterion)]
            for criterion in self.criteria
            if self.cleaned_data.get(service.score_field(criterion)) is not None
        }


def _round(pk: int) -> AssessmentRound:
    return get_object_or_404(AssessmentRound, pk=pk)


def _board_member(request: HttpRequest, assessment_round: AssessmentRound | None = None) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_perm("strategy.view_assessment_round", assessment_round):
        raise PermissionDenied
    return user


@login_required
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    """The assessment rounds, for the board and the office."""
    user = _board_member(request)
    return render(request, "strategy/assessment/rounds.html", {"rounds": list(service.rounds_for(user))})


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's prioritization, a board member's candidates, or the published results."""
    assessment_round = _round(pk)
    user = request.user
    context: dict[str, Any] = {"round": assessment_round}
    if is_program_office(user):
        sorting = request.GET.get("sortierung", "punkte")
        order = SORTINGS.get(sorting, "score")
        context |= {
            "results": service.prioritization(assessment_round, order),
            "sorting": sorting if sorting in SORTINGS else "punkte",
            "may_publish": assessment_round.results_published_at is None,
        }
        return render(request, "strategy/assessment/round_office.html", context)
    if is_expert(user):
        states = service.submitted_states(expert=user, round=assessment_round)
        ideas = assessment_round.ideas.only("id", "title").order_by("title")
        measures = assessment_round.measures.only("id", "title").order_by("title")
        context |= {
            "ideas": [(idea, states.get(("idea", idea.pk))) for idea in ideas],
            "measures": [(measure, states.get(("measure", measure.pk))) for measure in measures],
            "may_assess": user.has_perm("strategy.assess", assessment_round),
        }
        return render(request, "strategy/assessment/round_expert.html", context)
    if not user.has_perm("strategy.view_assessment_results", assessment_round):
        raise Http404
    # The public table names only candidates the public may see anyway.
    results = [
        item
        for item in service.prioritization(assessment_round, "score")
        if (isinstance(item.candidate, Idea) and item.candidate.status in PUBLIC_IDEA_STATUSES)
        or (isinstance(item.candidate, Measure) and item.candidate.is_published)
    ]
    return render(request, "strategy/assessment/round_public.html", context | {"results": results})


def _assess(request: HttpRequest, pk: int, *, idea: Idea | None, measure: Measure | None) -> HttpResponse:
    assessment_round = _round(pk)
    user = _board_member(request, assessment_round)
    candidate = idea or measure
    own = service.own_assessment(expert=user, round=assessment_round, idea=idea, measure=measure)
    may_assess = own is None and user.has_perm("strategy.assess", assessment_round)
    form = None
    if may_assess or request.method == "POST":
        form = AssessmentForm(
            request.POST if request.method == "POST" else None, criteria=service.active_criteria()
        )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            service.assessment_submit(
                expert=user,
                round=assessment_round,
                idea=idea,
                measure=measure,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                conflict=form.cleaned_data["conflict"],
                conflict_note=form.cleaned_data["conflict_note"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your assessment is saved. You can now see the others' scores."))
            return redirect(request.path)
    others = list(service.visible_scores(user, assessment_round, idea=idea, measure=measure))
    return render(
        request,
        "strategy/assessment/assess.html",
        {
            "round": assessment_round,
            "candidate": candidate,
            "kind": "idea" if idea is not None else "measure",
            "form": form if (may_assess or request.method == "POST") else None,
            "own": own,
            "others": others,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def assess_idea(request: HttpRequest, pk: int, idea_pk: int) -> HttpResponse:
    """Score one idea of the round, or see the scores once scored."""
    idea = Idea.objects.filter(pk=idea_pk, assessment_rounds=pk).first()
    if idea is None:
        raise Http404
    return _assess(request, pk, idea=idea, measure=None)


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def assess_measure(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """Score one measure of the round, or see the scores once scored."""
    measure = Measure.objects.filter(pk=measure_pk, assessment_rounds=pk).first()
    if measure is None:
        raise Http404
    return _assess(request, pk, idea=None, measure=measure)


@login_required
@require_POST
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The office publishes the round's aggregated results."""
    assessment_round = _round(pk)
    user = request.user
    if not isinstance(user, User) or not user.has_perm("strategy.publish_assessment", assessment_round):
        raise PermissionDenied
    try:
        service.results_publish(actor=user, round=assessment_round)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The results are published."))
    return redirect(assessment_round.get_absolute_url())


urlpatterns: list[URLPattern] = [
    path("bewertung/", rounds, name="assessment_rounds"),
    path("bewertung/<int:pk>/", round_detail, name="assessment_round"),
    path("bewertung/<int:pk>/idee/<int:idea_pk>/", assess_idea, name="assess_idea"),
    path("bewertung/<int:pk>/massnahme/<int:measure_pk>/", assess_measure, name="assess_measure"),
    path("bewertung/<int:pk>/veroeffentlichen/", publish, name="assessment_publish"),
]
