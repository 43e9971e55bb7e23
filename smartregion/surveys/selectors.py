"""The reads of surveys: lists, one survey with its questions, results as SQL aggregates, exports.

``survey_results`` costs a fixed number of queries whatever the number of questions and responses: the
counts per question, option and value and the respondents per question come from one grouped query over
the answer counters (``AnswerCount``, kept by the services), which also give the average, smallest and
largest number or date; the latest free texts per question come from a second (a small subquery per
question, each reading about TEXT_SAMPLE rows off an index).
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.accounts.predicates import is_coordinator, is_moderator, is_program_office
from smartregion.core.spreadsheets import spreadsheet_text
from smartregion.network.models import Municipality
from smartregion.participation.models import Phase, Process
from smartregion.program.selectors import Bar, ChartRow

from .models import (
    CHOICE_KINDS,
    TEXT_KINDS,
    Answer,
    AnswerCount,
    Option,
    Question,
    QuestionKind,
    Response,
    Section,
    Survey,
)

TEXT_SAMPLE = 10
QUESTIONNAIRE_CACHE_SECONDS = 60 * 60
HUNDRED = Decimal(100)


def _is_staff(viewer: Any) -> bool:
    return bool(is_program_office(viewer) or is_moderator(viewer) or is_coordinator(viewer))


def survey_list(*, viewer: Any, kind: str | None = None) -> QuerySet[Survey]:
    """Surveys the viewer may see (staff also see drafts), with their process and its phases."""
    qs = (
        Survey.objects.select_related("process")
        .prefetch_related("process__phases")
        .order_by("-created_at", "-id")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if _is_staff(viewer):
        return qs
    return qs.filter(visibility=Survey.Visibility.PUBLIC, process__visibility=Process.Visibility.PUBLIC)


def survey_get(*, viewer: Any, pk: int) -> Survey:
    """One survey the viewer may see; raises Survey.DoesNotExist otherwise."""
    return survey_list(viewer=viewer).get(pk=pk)


# The newest questionnaire version this process has read, per survey: an answer or a results page then
# costs neither the five queries nor unpickling some hundred model instances from the shared cache (a few
# milliseconds of every request). One entry per survey, replaced when its version moves. Callers only read
# what they get; a view that changes a question (the builder) loads its own copy.
_loaded: dict[int, tuple[str, tuple[list[Section], list[Question]]]] = {}


def questionnaire(survey: Survey) -> tuple[list[Section], list[Question]]:
    """The survey's sections and questions in order, with options and conditions.

    Five queries and about as many milliseconds as the rest of an answer, so it is cached per version of
    the survey (in the process, and in the shared cache for the other workers): every change of a section,
    question or option records a SurveyEvent, which moves the survey's ``updated_at``
    (``services._event``). A reader that loaded the survey just before a change may store the new
    questionnaire under the old version's key, which nobody asks for any more.
    """
    version = survey.updated_at.isoformat()
    loaded = _loaded.get(survey.pk)
    if loaded is not None and loaded[0] == version:
        return loaded[1]
    key = f"surveys:questionnaire:{survey.pk}:{version}"
    cached: tuple[list[Section], list[Question]] | None = cache.get(key)
    if cached is None:
        condition = Prefetch("show_if", queryset=Option.objects.select_related("question"))
        sections = list(survey.sections.prefetch_related(condition).order_by("position", "id"))
        questions = list(
            survey.questions.select_related("section")
            .prefetch_related("options", condition)
            .order_by("section__position", "section_id", "position", "id")
        )
        cached = (sections, questions)
        cache.set(key, cached, QUESTIONNAIRE_CACHE_SECONDS)
    _loaded[survey.pk] = (version, cached)
    return cached


def response_of(*, survey: Survey, user: Any) -> Response | None:
    """A signed-in person's response to the survey, with its answers."""
    if not getattr(user, "is_authenticated", False):
        return None
    response = Response.objects.filter(survey=survey, user=user).prefetch_related("answers").first()
    if response is not None:
        response.survey = survey  # the rules ask its survey's process and phases, already loaded
    return response


def polls_for(*, process: Process | None = None, start_page: bool = False) -> QuerySet[Survey]:
    """Public quick polls of a process, or those placed on the start page."""
    qs = survey_list(viewer=None, kind=Survey.Kind.POLL)
    if start_page:
        return qs.filter(on_start_page=True)
    return qs.filter(process=process)


def poll_closed(survey: Survey, now: Any = None) -> bool:
    """Every survey phase of the poll's process is over (reads the prefetched phases)."""
    now = now or timezone.now()
    phases = [phase for phase in survey.process.phases.all() if phase.kind == Phase.Kind.SURVEY]
    return bool(phases) and all(phase.ends_at <= now for phase in phases)


def poll_questions(polls: list[Survey]) -> dict[int, Question]:
    """The first question of each poll, with its options and section (three queries for all polls)."""
    questions = (
        Question.objects.filter(survey__in=polls)
        .select_related("section")
        .prefetch_related("options", "show_if")
        .order_by("survey_id", "section__position", "position", "id")
    )
    first: dict[int, Question] = {}
    for question in questions:
        first.setdefault(question.survey_id, question)
    return first


# --- Results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultFilters:
    municipality: Municipality | None = None
    channel: str = ""


@dataclass
class Row:
    """A line of a result table: a label, its count, its share of the question's respondents."""

    label: str
    count: int
    share: Decimal
    extra: Any = None


@dataclass
class QuestionResult:
    question: Question
    respondents: int = 0
    rows: list[Row] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # matrix: the scale's values
    matrix: list[tuple[str, list[int], Decimal | None]] = field(default_factory=list)
    average: Decimal | None = None
    minimum: Any = None
    maximum: Any = None
    texts: list[Answer] = field(default_factory=list)
    chart: list[ChartRow] = field(default_factory=list)


@dataclass
class Results:
    survey: Survey
    total: int
    questions: list[QuestionResult]


def _share(count: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(count) * HUNDRED / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _chart(rows: list[tuple[str, Decimal]]) -> list[ChartRow]:
    largest = max((value for _label, value in rows), default=Decimal(0))
    return [
        ChartRow(
            label,
            [
                Bar(
                    "count",
                    label,
                    value,
                    "0"
                    if largest <= 0
                    else str(min((value * HUNDRED / largest).quantize(Decimal("0.1")), HUNDRED)),
                )
            ],
        )
        for label, value in rows
    ]


def filtered_responses(survey: Survey, filters: ResultFilters) -> QuerySet[Response]:
    qs = Response.objects.filter(survey=survey)
    if filters.municipality is not None:
        qs = qs.filter(municipality=filters.municipality)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


def _average(buckets: dict[Decimal, int]) -> Decimal | None:
    total = sum(buckets.values())
    if not total:
        return None
    return (Decimal(sum(value * n for value, n in buckets.items())) / total).quantize(Decimal("0.01"))


# Per question: (option or 0, value or 0) → count; see AnswerCount.
Buckets = dict[tuple[int, Decimal], int]
ZERO = Decimal(0)


def _counted(question_ids: list[int], filters: ResultFilters) -> tuple[dict[int, Buckets], dict[int, int]]:
    """Counts per question, option and value, and respondents per question, off the counters (one query
    over a few rows per option, value, municipality and channel, whatever the number of responses)."""
    rows = AnswerCount.objects.filter(question_id__in=question_ids)
    if filters.municipality is not None:
        rows = rows.filter(municipality_key=filters.municipality.pk)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    counts: dict[int, Buckets] = defaultdict(dict)
    respondents: dict[int, int] = {}
    for item in (
        rows.values("question_id", "respondents", "option_key", "value").annotate(n=Sum("count")).order_by()
    ):
        if not item["n"]:
            continue
        if item["respondents"]:
            respondents[item["question_id"]] = item["n"]
        else:
            counts[item["question_id"]][(item["option_key"], Decimal(item["value"]))] = item["n"]
    return counts, respondents


def _latest_texts(
    questions: list[Question], responses: QuerySet[Response] | None, include_hidden: bool
) -> dict[int, list[Answer]]:
    """The newest TEXT_SAMPLE free texts (or "other" texts) per question, in one query: one small
    subquery per question that walks the ``answer_texts`` index from the newest, so it reads about
    TEXT_SAMPLE rows per question whatever the number of answers.

    Written as SQL: the ORM took several milliseconds per results page to build and compile the subqueries,
    more than the database took to run them. Their conditions repeat the index's, so that both databases
    use it.
    """
    asked = [
        question.pk
        for question in questions
        if question.kind in TEXT_KINDS or (question.kind in CHOICE_KINDS and question.allow_other)
    ]
    texts: dict[int, list[Answer]] = defaultdict(list)
    if not asked:
        return texts
    table = connection.ops.quote_name(Answer._meta.db_table)
    condition = "question_id = %s AND option_id IS NULL AND NOT (text = '')"
    extra: list[Any] = []
    if not include_hidden:
        condition += " AND hidden = %s"
        extra.append(False)
    if responses is not None:
        chosen, chosen_params = responses.values("pk").query.sql_with_params()
        condition += f" AND response_id IN ({chosen})"
        extra.extend(chosen_params)
    newest = " UNION ALL ".join(
        f"SELECT id FROM (SELECT id FROM {table} WHERE {condition} "  # noqa: S608 - names ours, values bound
        f"ORDER BY id DESC LIMIT {TEXT_SAMPLE}) AS newest_{index}"
        for index in range(len(asked))
    )
    params = [item for question_id in asked for item in (question_id, *extra)]
    for answer in Answer.objects.raw(
        f"SELECT * FROM {table} WHERE id IN ({newest}) ORDER BY question_id, id DESC",  # noqa: S608
        params,
    ):
        texts[answer.question_id].append(answer)
    return texts


def _figures(kind: str, buckets: Buckets, result: "QuestionResult") -> None:
    """Average, smallest and largest of a number question, earliest and latest of a date question."""
    values = {value: n for (_option, value), n in buckets.items()}
    if not values:
        return
    if kind == QuestionKind.NUMBER:
        result.average = _average(values)
        result.minimum, result.maximum = min(values), max(values)
    else:
        result.minimum, result.maximum = (date.fromordinal(int(v)) for v in (min(values), max(values)))


def survey_results(*, survey: Survey, filters: ResultFilters, include_hidden: bool = False) -> Results:
    """Every question's figures, for the responses the filters select (a fixed number of queries)."""
    _sections, questions = questionnaire(survey)
    responses = filtered_responses(survey, filters)
    filtered = filters.municipality is not None or bool(filters.channel)
    # The survey's count is kept with every stored response (services); only a filter needs counting.
    total = responses.count() if filtered else survey.response_count
    counts, respondents = _counted([question.pk for question in questions], filters)
    texts = _latest_texts(questions, responses if filtered else None, include_hidden)

    results = []
    for question in questions:
        result = QuestionResult(question=question, respondents=respondents.get(question.pk, 0))
        buckets = counts.get(question.pk, {})
        options = list(question.options.all())
        kind = question.kind
        if kind in CHOICE_KINDS:
            for option in options:
                n = buckets.get((option.pk, ZERO), 0)
                result.rows.append(Row(option.text, n, _share(n, result.respondents)))
            if question.allow_other:
                n = buckets.get((0, ZERO), 0)
                result.rows.append(Row(_("Other"), n, _share(n, result.respondents)))
            result.chart = _chart([(row.label, Decimal(row.count)) for row in result.rows])
        elif kind == QuestionKind.SCALE:
            scale = {value: n for (_option, value), n in buckets.items() if value}
            for value in range(1, (question.scale_max or 5) + 1):
                n = scale.get(Decimal(value), 0)
                result.rows.append(Row(str(value), n, _share(n, result.respondents)))
            result.average = _average(scale)
            result.chart = _chart([(row.label, Decimal(row.count)) for row in result.rows])
        elif kind == QuestionKind.RANKING:
            for option in options:
                ranks = {value: n for (o, value), n in buckets.items() if o == option.pk and value}
                result.rows.append(Row(option.text, sum(ranks.values()), Decimal(0), extra=_average(ranks)))
            result.rows.sort(key=lambda row: (row.extra is None, row.extra or 0))
            # Shorter bars for worse ranks: the chart shows (options + 1 - average rank).
            top = Decimal(len(options) + 1)
            result.chart = _chart(
                [(row.label, top - row.extra if row.extra else Decimal(0)) for row in result.rows]
            )
        elif kind == QuestionKind.MATRIX:
            values = list(range(1, (question.scale_max or 5) + 1))
            result.columns = [str(value) for value in values]
            for option in options:
                row = {value: n for (o, value), n in buckets.items() if o == option.pk and value}
                result.matrix.append((option.text, [row.get(Decimal(v), 0) for v in values], _average(row)))
            result.chart = _chart(
                [(label, average or Decimal(0)) for label, _counts, average in result.matrix]
            )
        elif kind in (QuestionKind.NUMBER, QuestionKind.DATE):
            _figures(kind, buckets, result)
        result.texts = texts.get(question.pk, [])
        results.append(result)
    return Results(survey=survey, total=total, questions=results)


def text_answers(*, question: Question, include_hidden: bool) -> QuerySet[Answer]:
    """All free texts of a question (and "other" texts of a choice question), newest first."""
    qs = Answer.objects.filter(question=question).exclude(text="").filter(option__isnull=True)
    if not include_hidden:
        qs = qs.filter(hidden=False)
    return qs.order_by("-id")


# --- Exports -------------------------------------------------------------------------------------------


def export_columns(questions: list[Question]) -> list[tuple[str, Question | None, Option | None, str]]:
    """The export's columns: (heading, question, option, part). Never a person: no user, no token."""
    columns: list[tuple[str, Question | None, Option | None, str]] = [
        ("response", None, None, "id"),
        ("submitted_at", None, None, "submitted_at"),
        ("channel", None, None, "channel"),
        ("municipality", None, None, "municipality"),
        ("age_group", None, None, "age_group"),
    ]
    for number, question in enumerate(questions, start=1):
        head = f"F{number}"
        if question.kind in (QuestionKind.RANKING, QuestionKind.MATRIX):
            for index, option in enumerate(question.options.all(), start=1):
                columns.append((f"{head}.{index} {option.text}", question, option, "option_number"))
        elif question.kind == QuestionKind.POINT:
            columns.append((f"{head} lat", question, None, "latitude"))
            columns.append((f"{head} lon", question, None, "longitude"))
        else:
            columns.append((f"{head} {question.text}", question, None, "value"))
    return columns


def export_rows(survey: Survey, questions: list[Question]) -> Iterator[list[Any]]:
    """One row per response (in chunks: two queries per 2,000 responses), hidden texts left out."""
    columns = export_columns(questions)
    option_text = {option.pk: option.text for question in questions for option in question.options.all()}
    visible = Prefetch("answers", queryset=Answer.objects.filter(hidden=False).order_by("id"))
    responses = (
        Response.objects.filter(survey=survey)
        .select_related("municipality")
        .prefetch_related(visible)
        .order_by("id")
    )
    for response in responses.iterator(chunk_size=2000):
        by_question: dict[int, list[Answer]] = defaultdict(list)
        for answer in response.answers.all():
            by_question[answer.question_id].append(answer)
        row: list[Any] = []
        for _head, question, option, part in columns:
            if question is None:
                value: Any = {
                    "id": response.pk,
                    "submitted_at": response.submitted_at.isoformat(),
                    "channel": response.channel,
                    "municipality": response.municipality.name if response.municipality else "",
                    "age_group": response.age_group,
                }[part]
                row.append(value)
                continue
            given = by_question.get(question.pk, [])
            if part == "option_number":
                row.append(next((a.number for a in given if a.option_id == option.pk), ""))  # type: ignore[union-attr]
            elif part in ("latitude", "longitude"):
                row.append(next((getattr(a, part) for a in given), ""))
            else:
                parts = []
                for answer in given:
                    if answer.option_id:
                        parts.append(option_text.get(answer.option_id, ""))
                    elif answer.date:
                        parts.append(answer.date.isoformat())
                    elif answer.number is not None:
                        parts.append(str(answer.number.normalize()))
                    elif answer.text:
                        parts.append(answer.text)
                # Free text a spreadsheet would run as a formula is quoted (CSV injection).
                row.append(spreadsheet_text("; ".join(parts)))
        yield row


def personal_data_export_for(user: Any) -> dict[str, Any]:
    """The surveys section of a person's GDPR export: her own responses with their answers."""
    responses = (
        Response.objects.filter(user=user)
        .select_related("survey", "municipality")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question", "option")))
        .order_by("submitted_at")
    )
    return {
        "responses": [
            {
                "survey": response.survey.title,
                "submitted": response.submitted_at,
                "municipality": response.municipality.name if response.municipality else None,
                "age_group": response.age_group,
                "answers": [
                    {
                        "question": answer.question.text,
                        "option": answer.option.text if answer.option else None,
                        "number": answer.number,
                        "text": answer.text,
                        "date": answer.date,
                        "latitude": answer.latitude,
                        "longitude": answer.longitude,
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in responses
        ]
    }


# --- Open data -----------------------------------------------------------------------------------------


def published_surveys() -> QuerySet[Survey]:
    """Public surveys of public processes whose results are published."""
    return survey_list(viewer=None).filter(results_published_at__isnull=False)


def published_result_rows() -> Iterator[tuple[Any, ...]]:
    """The counts of every choice, scale value, rank and matrix cell of the published surveys: one grouped
    query for all answers, two for the questions and options, whatever the number of surveys. No text."""
    surveys = {survey.pk: survey for survey in published_surveys()}
    questions = {
        question.pk: question
        for question in Question.objects.filter(survey__in=list(surveys))
        .prefetch_related("options")
        .order_by("survey_id", "section__position", "position", "id")
    }
    numbers: dict[int, int] = {}
    position: dict[int, int] = defaultdict(int)
    for question in questions.values():
        position[question.survey_id] += 1
        numbers[question.pk] = position[question.survey_id]
    options = {option.pk: option.text for question in questions.values() for option in question.options.all()}
    counted = (*CHOICE_KINDS, QuestionKind.SCALE, QuestionKind.RANKING, QuestionKind.MATRIX)
    counts = (
        Answer.objects.filter(question__in=list(questions), question__kind__in=counted)
        .values("question_id", "option_id", "number")
        .annotate(n=Count("id"))
        .order_by("question_id", "option_id", "number")
    )
    for item in counts:
        question = questions[item["question_id"]]
        survey = surveys[question.survey_id]
        label = options.get(item["option_id"], "") if item["option_id"] else ""
        if not label and question.kind in CHOICE_KINDS:
            label = str(_("Other"))
        yield (
            survey.pk,
            survey.title,
            numbers[question.pk],
            question.text,
            question.kind,
            label,
            item["number"],
            item["n"],
        )


def published_results_version() -> tuple[Any, ...]:
    """When the published results last changed: the newest publication and response, and the counts."""
    facts = (
        published_surveys()
        .order_by()
        .aggregate(published=Max("results_published_at"), responses=Sum("response_count"), count=Count("pk"))
    )
    return facts["published"], facts["responses"], facts["count"]
