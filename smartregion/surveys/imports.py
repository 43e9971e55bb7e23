"""Paper questionnaires in bulk: an XLSX template generated from the survey, and its import.

The template has a column per answer field, in the order of the questionnaire, headed by the question.
Each row is one paper form and carries the form's number. Reading it back, every row goes through the
same ``EntryForm`` as a questionnaire entered by hand, so types, ranges, conditions and "required" are
checked alike; its errors are reported by row and column. The import is all or nothing: if any row has
an error nothing is stored, and the rows are written in one transaction, in which the unique paper form
number makes a second import of the same forms (or two people importing at once) fail as a whole.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from smartregion.accounts.models import AgeGroup
from smartregion.network.models import Municipality

from .forms import OTHER, EntryForm
from .models import (
    ASSISTED_CHANNELS,
    CHOICE_KINDS,
    Answer,
    ImportRun,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from .services import _event, answer_counts_add

MAX_ROWS = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
LIST_SEPARATOR = ";"


class ImportFileError(Exception):
    """The file cannot be read as a whole; no row was imported."""


@dataclass(frozen=True)
class Column:
    heading: str
    field: str  # the EntryForm field this column fills
    question: Question | None = None
    hint: str = ""


def columns(questions: list[Question]) -> list[Column]:
    """The template's columns: the form's origin, then every answer field, then the respondent."""
    result = [
        Column(_("Paper form number"), "paper_number", hint=_("required, unique")),
        Column(_("Channel"), "channel", hint=" / ".join(str(c.label) for c in ASSISTED_CHANNELS)),
        Column(_("Provenance"), "provenance"),
    ]
    for number, question in enumerate(questions, start=1):
        head = f"{number}. {question.text}"
        options = list(question.options.all())
        if question.kind in CHOICE_KINDS:
            hint = " / ".join(option.text for option in options)
            if question.kind == QuestionKind.MULTIPLE:
                hint = _("several, separated by ;") + ": " + hint
            result.append(Column(head, question.field_name, question, hint))
            if question.allow_other:
                result.append(
                    Column(
                        f"{number}. {_('Other: please specify')}", f"{question.field_name}_other", question
                    )
                )
        elif question.kind == QuestionKind.RANKING:
            for option in options:
                result.append(
                    Column(
                        f"{number}. {_('Rank')}: {option.text}",
                        f"{question.field_name}_o{option.pk}",
                        question,
                        f"1–{len(options)}",
                    )
                )
        elif question.kind == QuestionKind.MATRIX:
            for option in options:
                result.append(
                    Column(
                        f"{number}. {option.text}",
                        f"{question.field_name}_r{option.pk}",
                        question,
                        f"1–{question.scale_max}",
                    )
                )
        elif question.kind == QuestionKind.POINT:
            result.append(Column(f"{number}. {_('Latitude')}", f"{question.field_name}_lat", question))
            result.append(Column(f"{number}. {_('Longitude')}", f"{question.field_name}_lon", question))
        else:
            hints: dict[str, str] = {
                QuestionKind.SCALE: f"1–{question.scale_max}",
                QuestionKind.DATE: _("DD.MM.YYYY"),
            }
            hint = hints.get(question.kind, "")
            result.append(Column(head, question.field_name, question, hint))
    result.append(Column(_("Municipality"), "municipality"))
    result.append(
        Column(_("Age group"), "age_group", hint=" / ".join(str(label) for _v, label in AgeGroup.choices))
    )
    return result


def template_workbook(survey: Survey, questions: list[Question]) -> bytes:
    """The XLSX template: headings in row 1, hints in row 2, one paper form per row from row 3."""
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(_("Questionnaires")[:31])
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    hint = book.add_format({"italic": True, "font_color": "#555555", "text_wrap": True, "valign": "top"})
    for index, column in enumerate(columns(questions)):
        sheet.write(0, index, column.heading, bold)
        sheet.write(1, index, column.hint, hint)
        sheet.set_column(index, index, 24)
    sheet.freeze_panes(2, 0)
    book.set_properties({"title": survey.title})
    book.close()
    return output.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice_value(question: Question, text: str) -> list[str] | str:
    """Option texts (case-insensitive) to the form's option ids; an unknown text is "other" when allowed."""
    by_text = {option.text.casefold(): str(option.pk) for option in question.options.all()}
    parts = (
        [part.strip() for part in text.split(LIST_SEPARATOR)]
        if question.kind == QuestionKind.MULTIPLE
        else [text]
    )
    values = []
    for part in parts:
        if not part:
            continue
        values.append(by_text.get(part.casefold(), OTHER if question.allow_other else part))
    return values if question.kind == QuestionKind.MULTIPLE else (values[0] if values else "")


def _date_value(text: str) -> str:
    try:
        return datetime.strptime(text, "%d.%m.%Y").date().isoformat()  # noqa: DTZ007 - a calendar date
    except ValueError:
        return text


def _row_data(cols: list[Column], cells: tuple[Any, ...], municipalities: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    channels = {str(c.label).casefold(): c.value for c in ASSISTED_CHANNELS} | {
        c.value: c.value for c in ASSISTED_CHANNELS
    }
    ages = {str(label).casefold(): value for value, label in AgeGroup.choices} | {
        v: v for v, _l in AgeGroup.choices
    }
    for column, raw in zip(cols, cells, strict=False):
        text = _cell_text(raw)
        question = column.question
        if column.field == "channel":
            data["channel"] = channels.get(text.casefold(), text) if text else "paper"
        elif column.field == "municipality":
            data["municipality"] = municipalities.get(text.casefold(), "invalid") if text else ""
        elif column.field == "age_group":
            data["age_group"] = ages.get(text.casefold(), text)
        elif question is not None and column.field == question.field_name and question.kind in CHOICE_KINDS:
            value = _choice_value(question, text)
            data[column.field] = value
            if value == OTHER or (isinstance(value, list) and OTHER in value):
                data.setdefault(f"{question.field_name}_other", text)
        elif question is not None and question.kind == QuestionKind.DATE:
            data[column.field] = _date_value(text)
        else:
            data[column.field] = text
    return data


@dataclass
class RowError:
    row: int
    column: str
    heading: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "heading": self.heading, "message": self.message}


def _read(content: bytes, cols: list[Column]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    from openpyxl import load_workbook  # loads in the worker that imports, not in every web worker

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise ImportFileError(_("The file is not an XLSX file. Please use the template.")) from error
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    expected = [column.heading for column in cols]
    found = [_cell_text(cell) for cell in header[: len(expected)]]
    if found != expected:
        for index, (want, got) in enumerate(zip(expected, found + [""] * len(expected), strict=False)):
            if want != got:
                raise ImportFileError(
                    _(
                        "Column %(column)s should be headed “%(expected)s”, not “%(found)s”. "
                        "Please use the current template."
                    )
                    % {"column": xl_col_to_name(index), "expected": want, "found": got}
                )
    next(rows, None)  # the hints
    for number, cells in enumerate(rows, start=3):
        if all(cell in (None, "") for cell in cells):
            continue
        yield number, cells


def responses_import(run: ImportRun, *, progress_every: int = 50) -> ImportRun:
    """Check every row, then store all of them or none; keeps the run's progress and errors current."""
    survey = Survey.objects.select_related("process").get(pk=run.survey_id)
    from .selectors import questionnaire

    sections, questions = questionnaire(survey)
    cols = columns(questions)
    municipalities = {m.name.casefold(): str(m.pk) for m in Municipality.objects.all()}
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    try:
        rows = list(_read(bytes(run.content), cols))
    except ImportFileError as error:
        return _finish(run, errors=[RowError(0, "", "", str(error))])
    if len(rows) > MAX_ROWS:
        return _finish(
            run, errors=[RowError(0, "", "", _("At most %(n)d forms per file.") % {"n": MAX_ROWS})]
        )
    ImportRun.objects.filter(pk=run.pk).update(total=len(rows))
    errors: list[RowError] = []
    prepared: list[tuple[EntryForm, int]] = []
    seen_numbers: dict[str, int] = {}
    column_of = {column.field: (xl_col_to_name(index), column.heading) for index, column in enumerate(cols)}
    for done, (line, cells) in enumerate(rows, start=1):
        data = _row_data(cols, cells, municipalities)
        data.setdefault("provenance", run.provenance)
        if not data.get("provenance"):
            data["provenance"] = run.provenance
        form = EntryForm(data, sections=sections, questions=questions)
        if form.is_valid():
            number = form.cleaned_data["paper_number"].strip()
            if number in seen_numbers:
                letter, heading = column_of["paper_number"]
                errors.append(
                    RowError(
                        line,
                        letter,
                        heading,
                        _("The paper form %(number)s appears twice in the file (row %(row)d).")
                        % {"number": number, "row": seen_numbers[number]},
                    )
                )
            seen_numbers[number] = line
            prepared.append((form, line))
        else:
            for name, messages in form.errors.items():
                letter, heading = column_of.get(name, ("", ""))
                errors.extend(RowError(line, letter, heading, str(message)) for message in messages)
        if done % progress_every == 0:
            ImportRun.objects.filter(pk=run.pk).update(processed=done)
    ImportRun.objects.filter(pk=run.pk).update(processed=len(rows))
    if errors:
        return _finish(run, errors=errors)
    try:
        _store(run, survey, prepared, column_of)
    except _Duplicate as duplicate:
        return _finish(run, errors=[duplicate.error])
    return _finish(run, imported=len(prepared))


class _Duplicate(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def _store(
    run: ImportRun,
    survey: Survey,
    prepared: list[tuple[EntryForm, int]],
    column_of: dict[str, tuple[str, str]],
) -> None:
    """Write every response and its answers in one transaction; a form number already stored (by an
    earlier import, a hand entry or an import running at the same time) undoes all of them."""
    now = timezone.now()
    with transaction.atomic():
        numbers = [form.cleaned_data["paper_number"].strip() for form, _line in prepared]
        taken = set(
            Response.objects.filter(survey=survey, paper_number__in=numbers).values_list(
                "paper_number", flat=True
            )
        )
        for form, line in prepared:
            number = form.cleaned_data["paper_number"].strip()
            if number in taken:
                letter, heading = column_of["paper_number"]
                raise _Duplicate(
                    RowError(
                        line,
                        letter,
                        heading,
                        _("The paper form %(number)s has already been entered.") % {"number": number},
                    )
                )
        responses = [
            Response(
                survey=survey,
                channel=form.cleaned_data["channel"],
                provenance=form.cleaned_data["provenance"],
                paper_number=form.cleaned_data["paper_number"].strip(),
                municipality=form.cleaned_data.get("municipality"),
                age_group=form.cleaned_data.get("age_group") or "",
                entered_by_id=run.created_by_id,
                submitted_at=now,
            )
            for form, _line in prepared
        ]
        try:
            with transaction.atomic():
                Response.objects.bulk_create(responses)
        except IntegrityError:
            letter, heading = column_of["paper_number"]
            raise _Duplicate(
                RowError(
                    0,
                    letter,
                    heading,
                    _(
                        "Some of these paper forms were entered at the same time by someone else. "
                        "Nothing was imported; please import the file again."
                    ),
                )
            ) from None
        if responses and responses[0].pk is None:  # backends without RETURNING
            by_number = dict(
                Response.objects.filter(survey=survey, paper_number__in=numbers).values_list(
                    "paper_number", "pk"
                )
            )
            for response in responses:
                response.pk = by_number[response.paper_number]
        # The survey's row first, as every service that counts answers (services.py's lock order).
        Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + len(responses))
        answers: list[Answer] = []
        for (form, _line), response in zip(prepared, responses, strict=True):
            for answer in form.answers:
                answer.response_id = response.pk
                answers.append(answer)
        Answer.objects.bulk_create(answers, batch_size=2000)
        answer_counts_add(
            (response, form.answers) for (form, _line), response in zip(prepared, responses, strict=True)
        )

        _event(survey, run.created_by, "imported", note=run.file_name, count=len(responses))


def _finish(run: ImportRun, *, errors: list[RowError] | None = None, imported: int = 0) -> ImportRun:
    status = ImportRun.Status.FAILED if errors else ImportRun.Status.DONE
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, errors=[error.as_dict() for error in errors or []][:500], imported=imported
    )
    run.refresh_from_db()
    return run
