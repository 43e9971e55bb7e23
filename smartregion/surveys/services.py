"""The only writes of surveys: building questionnaires, responses on every channel, publishing, moderation.

Each service asks the rules itself (``user.has_perm``), so pages, the API and imports cannot disagree.
One response per person and one per browser are decided by unique constraints: the insert runs in a
savepoint, and the loser of a race edits the winner's response (a person) or is told it already
answered (a browser), never a second row and never a 500.

Locks are taken in one order: the survey's row (its ``response_count``), then the response, then the
answer counters in the order of their keys (one upsert), so that answering, editing, importing and
recounting never wait for each other in a circle.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.accounts.models import User
from smartregion.core.pagecache import pages_changed
from smartregion.network.models import Municipality
from smartregion.participation.apps import PAGES as PARTICIPATION_PAGES
from smartregion.participation.models import Process

from .apps import PAGES as SURVEY_PAGES
from .models import (
    ASSISTED_CHANNELS,
    COUNTED_KINDS,
    OPTION_KINDS,
    Answer,
    AnswerCount,
    Option,
    Question,
    Response,
    Section,
    Survey,
    SurveyEvent,
)

Actor = User | AnonymousUser


def _require(user: Any, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def _event(survey: Survey, actor: Any, kind: str, note: str = "", **data: Any) -> None:
    """Record what changed; a quick poll's change also retires the cached process pages showing it.

    The survey's ``updated_at`` moves with every change: it versions the cached questionnaire.
    """
    if survey.kind == Survey.Kind.POLL:
        pages_changed(PARTICIPATION_PAGES)
    pages_changed(SURVEY_PAGES)
    survey.updated_at = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(updated_at=survey.updated_at)
    SurveyEvent.objects.create(
        survey=survey,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        note=note,
        data=data,
    )


# --- Building ------------------------------------------------------------------------------------------


def survey_create(*, actor: User, process: Process, title: str, **settings: Any) -> Survey:
    """A new draft survey (or quick poll) in a process, with a first section."""
    _require(actor, "surveys.build_survey", process)
    with transaction.atomic():
        survey = Survey.objects.create(process=process, title=title, **settings)
        Section.objects.create(
            survey=survey, title=title if survey.kind == Survey.Kind.POLL else _("Questions")
        )
        _event(survey, actor, "created")
    return survey


def survey_update(*, actor: User, survey: Survey, **settings: Any) -> Survey:
    """Change a survey's settings (title, description, audience, visibility, poll display)."""
    _require(actor, "surveys.build_survey", survey)
    with transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(**settings, updated_at=timezone.now())
        changed = sorted(settings)
        _event(survey, actor, "settings_changed", fields=changed)
    survey.refresh_from_db()
    return survey


def section_save(
    *,
    actor: User,
    survey: Survey,
    section: Section | None,
    title: str,
    description: str,
    show_if: Sequence[Option],
) -> Section:
    """Add or change a section; its condition may name options of questions in earlier sections."""
    _require(actor, "surveys.build_survey", survey)
    with transaction.atomic():
        if section is None:
            last = survey.sections.order_by("-position").values_list("position", flat=True).first()
            section = Section.objects.create(
                survey=survey, title=title, description=description, position=(last or 0) + 1
            )
        else:
            section.title, section.description = title, description
            section.save(update_fields=["title", "description"])
        section.show_if.set(show_if)
        _event(survey, actor, "section_saved", section=section.pk)
    return section


@dataclass(frozen=True)
class QuestionData:
    """What the builder form sends for a question (cleaned)."""

    section: Section
    kind: str
    text: str
    help_text: str
    required: bool
    shuffle_options: bool
    allow_other: bool
    min_choices: int | None
    max_choices: int | None
    max_length: int | None
    scale_max: int | None
    scale_min_label: str
    scale_max_label: str
    number_min: Any
    number_max: Any
    options: list[str]
    show_if: list[Option]


# What a wording fix may change once answers exist; everything else would change what earlier answers mean.
WORDING_FIELDS = ("text", "help_text", "scale_min_label", "scale_max_label")


def _meaning_changes(question: Question, data: QuestionData) -> list[str]:
    changed = [
        name
        for name in (
            "section",
            "kind",
            "required",
            "shuffle_options",
            "allow_other",
            "min_choices",
            "max_choices",
            "max_length",
            "scale_max",
            "number_min",
            "number_max",
        )
        if getattr(question, name) != getattr(data, name)
    ]
    if len(data.options) != len(question.options.all()):
        changed.append("options")
    if {o.pk for o in data.show_if} != {o.pk for o in question.show_if.all()}:
        changed.append("show_if")
    return changed


def question_save(
    *, actor: User, survey: Survey, question: Question | None, data: QuestionData, note: str = ""
) -> Question:
    """Add or change a question with its options (one text per option, in order).

    Once the survey has responses, only the wording may change (texts of the question, its help, its
    scale's ends and its options, one for one) and the change needs a note, which the history keeps.
    """
    _require(actor, "surveys.build_survey", survey)
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        answered = locked.responses.exists()
        if question is None:
            if answered:
                raise ValidationError(_("This survey already has answers: no questions can be added."))
            last = data.section.questions.order_by("-position").values_list("position", flat=True).first()
            question = Question(survey=survey, position=(last or 0) + 1)
        elif answered:
            if changed := _meaning_changes(question, data):
                raise ValidationError(
                    _(
                        "This survey already has answers: only the wording may be corrected "
                        "(not changed: %(fields)s)."
                    )
                    % {"fields": ", ".join(changed)}
                )
            if not note.strip():
                raise ValidationError({"note": _("Please say in a note what you corrected and why.")})
        for name in (
            "section",
            "kind",
            "text",
            "help_text",
            "required",
            "shuffle_options",
            "allow_other",
            "min_choices",
            "max_choices",
            "max_length",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "number_min",
            "number_max",
        ):
            setattr(question, name, getattr(data, name))
        question.save()
        existing = list(question.options.all()) if question.pk else []
        texts = data.options if data.kind in OPTION_KINDS else []
        for position, text in enumerate(texts):
            if position < len(existing):
                option = existing[position]
                if option.text != text or option.position != position:
                    option.text, option.position = text, position
                    option.save(update_fields=["text", "position"])
            else:
                Option.objects.create(question=question, text=text, position=position)
        for option in existing[len(texts) :]:
            option.delete()
        question.show_if.set(data.show_if)
        _event(
            survey, actor, "wording_fixed" if answered else "question_saved", note=note, question=question.pk
        )
    return question


def question_delete(*, actor: User, question: Question) -> None:
    """Remove a question from a survey that has no answers yet."""
    survey = question.survey
    _require(actor, "surveys.build_survey", survey)
    with transaction.atomic():
        Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.responses.exists():
            raise ValidationError(_("This survey already has answers: questions cannot be removed."))
        _event(survey, actor, "question_deleted", note=question.text[:500])
        question.delete()


def survey_publish(*, actor: User, survey: Survey, public: bool) -> Survey:
    """Publish a survey (people can then see and, in its phase, answer it) or take it back to draft."""
    _require(actor, "surveys.build_survey", survey)
    if public and not survey.questions.exists():
        raise ValidationError(_("Please add at least one question before publishing the survey."))
    visibility = Survey.Visibility.PUBLIC if public else Survey.Visibility.DRAFT
    return survey_update(actor=actor, survey=survey, visibility=visibility)


def results_publish(*, actor: User, survey: Survey, published: bool) -> Survey:
    """Make the results public (or withdraw them)."""
    _require(actor, "surveys.publish_results", survey)
    with transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(results_published_at=timezone.now() if published else None)
        _event(survey, actor, "results_published" if published else "results_withdrawn")
    survey.refresh_from_db()
    return survey


def answer_set_hidden(*, actor: User, answer: Answer, hidden: bool, reason: str = "") -> None:
    """Hide a free-text answer (it names a person, for example) from the results and exports, or show it."""
    survey = answer.question.survey
    _require(actor, "surveys.moderate_answer", survey)
    with transaction.atomic():
        if Answer.objects.filter(pk=answer.pk).exclude(hidden=hidden).update(hidden=hidden):
            _event(
                survey, actor, "answer_hidden" if hidden else "answer_shown", note=reason, answer=answer.pk
            )


# --- Responses -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Respondent:
    """What a respondent tells about herself, voluntarily."""

    municipality: Municipality | None = None
    age_group: str = ""


# --- Answer counters -----------------------------------------------------------------------------------

# Counter rows per upsert statement (7 bound values each).
COUNT_BATCH = 1000
# (question, respondents, option, value, municipality, channel): the key of an AnswerCount row.
CountKey = tuple[int, bool, int, Decimal, int, str]
# (question, question kind, option, number, date): what the counters need of an answer.
AnswerFacts = tuple[int, str, int | None, Any, Any]
FACT_FIELDS = ("question_id", "question__kind", "option_id", "number", "date")


def _facts(answers: Iterable[Answer]) -> list[AnswerFacts]:
    """The facts of unsaved answers built by the answer forms (their question is loaded)."""
    return [(a.question_id, a.question.kind, a.option_id, a.number, a.date) for a in answers]


def count_value(number: Any, day: Any) -> Decimal:
    """The counter's value of an answer: its number, its date's ordinal, or 0."""
    if day is not None:
        return Decimal(day.toordinal())
    return Decimal(0) if number is None else Decimal(number)


def _count_keys(response: Response, facts: Iterable[AnswerFacts]) -> Counter[CountKey]:
    """One per answered question (its respondents), one per counted option and value."""
    place, channel = response.municipality_id or 0, response.channel
    keys: Counter[CountKey] = Counter()
    answered: set[int] = set()
    for question_id, kind, option_id, number, day in facts:
        if question_id not in answered:
            answered.add(question_id)
            keys[(question_id, True, 0, Decimal(0), place, channel)] += 1
        if kind in COUNTED_KINDS:
            keys[(question_id, False, option_id or 0, count_value(number, day), place, channel)] += 1
    return keys


def _counts_change(changes: Counter[CountKey]) -> None:
    """Add the changes to the counters in one statement, race-safe on both databases.

    ``INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count`` adds atomically under the row's
    lock; the keys go in sorted order, so two transactions lock shared counters in the same order.
    """
    rows = sorted((key, delta) for key, delta in changes.items() if delta)
    table = connection.ops.quote_name(AnswerCount._meta.db_table)
    columns = "question_id, respondents, option_key, value, municipality_key, channel, count"
    # In batches, in key order: an import's many keys stay below SQLite's limit of bound variables.
    for start in range(0, len(rows), COUNT_BATCH):
        batch = rows[start : start + COUNT_BATCH]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
        params: list[Any] = [item for key, delta in batch for item in (*key, delta)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 - names ours, values bound
                "ON CONFLICT (question_id, respondents, option_key, value, municipality_key, channel) "
                f"DO UPDATE SET count = {table}.count + excluded.count",
                params,
            )


def answer_counts_add(entries: Iterable[tuple[Response, Sequence[Answer]]]) -> None:
    """Count new responses' answers (in the transaction that stores them)."""
    changes: Counter[CountKey] = Counter()
    for response, answers in entries:
        changes.update(_count_keys(response, _facts(answers)))
    _counts_change(changes)


def answer_counts_rebuild(*, survey: Survey) -> int:
    """Recount a survey's counters and its response count (which the results show as the total) from its
    responses and answers (a repair, or after answers were written in bulk).

    Runs under the survey's row lock, which every service that counts answers takes first, so no answer
    is counted twice or lost while it runs. Returns the number of counter rows.
    """
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        survey.response_count = survey.responses.count()
        Survey.objects.filter(pk=survey.pk).update(response_count=survey.response_count)
        AnswerCount.objects.filter(question__survey=survey).delete()
        answers = Answer.objects.filter(question__survey=survey).order_by()
        place, channel = "response__municipality_id", "response__channel"
        counted = (
            answers.filter(question__kind__in=COUNTED_KINDS)
            .values("question_id", "option_id", "number", "date", place, channel)
            .annotate(n=Count("id"))
        )
        respondents = answers.values("question_id", place, channel).annotate(
            n=Count("response_id", distinct=True)
        )
        rows = [
            AnswerCount(
                question_id=item["question_id"],
                respondents=False,
                option_key=item["option_id"] or 0,
                value=count_value(item["number"], item["date"]),
                municipality_key=item[place] or 0,
                channel=item[channel],
                count=item["n"],
            )
            for item in counted
        ] + [
            AnswerCount(
                question_id=item["question_id"],
                respondents=True,
                municipality_key=item[place] or 0,
                channel=item[channel],
                count=item["n"],
            )
            for item in respondents
        ]
        AnswerCount.objects.bulk_create(rows, batch_size=2000)
        pages_changed(SURVEY_PAGES)
    return len(rows)


def _store_answers(response: Response, answers: Sequence[Answer]) -> None:
    # The cached public results show the new figures once this commits.
    pages_changed(SURVEY_PAGES)
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)


def response_submit(
    *,
    user: Actor,
    survey: Survey,
    answers: Sequence[Answer],
    respondent: Respondent,
    browser_token: str | None = None,
) -> tuple[Response, bool]:
    """Store an online response: a signed-in person's (a second one edits hers) or a browser's (one only).

    Returns the response and whether it was new. ``answers`` are unsaved, validated by the answer form.
    """
    signed_in = bool(getattr(user, "is_authenticated", False))
    person = cast(User, user) if signed_in else None
    if not signed_in and not browser_token:
        raise PermissionDenied("surveys.answer_survey")
    with transaction.atomic():
        if person is not None and (existing := Response.objects.filter(survey=survey, user=person).first()):
            existing.survey = survey  # loaded with its process and phases, which the rules ask
            return _response_edit(user=user, response=existing, answers=answers, respondent=respondent), False
        _require(user, "surveys.answer_survey", survey)
        try:
            # A browser that loses the race is refused and the whole transaction undone, so only a person
            # (whose response is then edited) needs a savepoint to go on after the conflict.
            with transaction.atomic(savepoint=signed_in):
                response = Response.objects.create(
                    survey=survey,
                    user=person,
                    browser_token=None if signed_in else browser_token,
                    municipality=respondent.municipality,
                    age_group=respondent.age_group,
                    submitted_at=timezone.now(),
                )
        except IntegrityError:
            if not signed_in:
                raise ValidationError(_("You have already answered this survey in this browser.")) from None
            existing = Response.objects.get(survey=survey, user=person)
            existing.survey = survey
            return _response_edit(user=user, response=existing, answers=answers, respondent=respondent), False
        # The survey's row first (the lock order above), then the answers and their counters.
        Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
        _store_answers(response, answers)
        answer_counts_add([(response, answers)])
    return response, True


def _response_edit(
    *, user: Actor, response: Response, answers: Sequence[Answer], respondent: Respondent
) -> Response:
    """Replace a person's answers while the phase runs (under the response's lock: the last one wins)."""
    _require(user, "surveys.edit_response", response)
    Survey.objects.select_for_update().filter(pk=response.survey_id).first()
    locked = Response.objects.select_for_update().get(pk=response.pk)
    previous = list(locked.answers.values_list(*FACT_FIELDS))
    changes: Counter[CountKey] = Counter()
    changes.subtract(_count_keys(locked, previous))  # the old answers leave the counters ...
    locked.answers.all().delete()
    _store_answers(locked, answers)
    locked.municipality, locked.age_group = respondent.municipality, respondent.age_group
    locked.save(update_fields=["municipality", "age_group", "updated_at"])
    changes.update(_count_keys(locked, _facts(answers)))  # ... and the new ones (maybe elsewhere) come in
    _counts_change(changes)
    return locked


def response_enter(
    *,
    actor: User,
    survey: Survey,
    answers: Sequence[Answer],
    respondent: Respondent,
    channel: str,
    provenance: str,
    paper_number: str | None,
) -> Response:
    """Staff enter a questionnaire answered on paper, at an event or by telephone.

    A paper form number is unique per survey: the same form entered twice (two people importing the same
    pile) is refused with the form's number, decided by the database.
    """
    _require(actor, "surveys.enter_response", survey)
    if channel not in ASSISTED_CHANNELS:
        raise ValidationError({"channel": _("Please choose paper, event or telephone.")})
    paper_number = (paper_number or "").strip() or None
    with transaction.atomic():
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    survey=survey,
                    municipality=respondent.municipality,
                    age_group=respondent.age_group,
                    channel=channel,
                    provenance=provenance,
                    paper_number=paper_number,
                    entered_by=actor,
                    submitted_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(
                {
                    "paper_number": _("The paper form %(number)s has already been entered.")
                    % {"number": paper_number}
                }
            ) from None
        Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
        _store_answers(response, answers)
        answer_counts_add([(response, answers)])
    return response


def personal_data_erase_for(user: Any) -> None:
    """On account deletion the responses lose their person and stay in the results (aggregates keep)."""
    Response.objects.filter(user=user).update(user=None)
