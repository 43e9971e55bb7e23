"""Bulk update: the office exports the measures' status, progress, milestones and indicator values as
XLSX, edits the file offline and imports it back.

The import first reads the whole file and compares it with what is stored: every difference becomes a
:class:`Change` with a German sentence for the preview, every problem an error naming the sheet, the row
and the column. Nothing is written while there is an error. Applying runs every change through the
program services (which ask the permissions and keep the history) in one transaction: all or nothing.
A file that matches what is stored yields no change, so importing the same file twice changes nothing
the second time.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartregion.core.permissions import authorize
from smartregion.core.spreadsheets import spreadsheet_text
from smartregion.strategy.models import Measure, MeasureStatus

from . import services
from .models import Indicator, IndicatorValue, Milestone
from .templatetags.program import figure

MAX_ROWS = 5000
MEASURES, MILESTONES, VALUES = "measures", "milestones", "values"


def _sheet_names() -> dict[str, str]:
    return {MEASURES: _("Measures"), MILESTONES: _("Milestones"), VALUES: _("Indicator values")}


def _columns() -> dict[str, list[str]]:
    return {
        MEASURES: [_("Measure no."), _("Measure"), _("Status"), _("Progress in percent"), _("Reason")],
        MILESTONES: [_("Milestone no."), _("Measure"), _("Milestone"), _("Due on"), _("Reached on")],
        VALUES: [
            _("Indicator no."),
            _("Measure"),
            _("Indicator"),
            _("Unit"),
            _("Measured on"),
            _("Value"),
            _("Source"),
        ],
    }


def _measures() -> list[Measure]:
    return list(
        Measure.objects.order_by("title", "pk").prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("name", "pk").prefetch_related(
                    Prefetch("values", queryset=IndicatorValue.objects.order_by("measured_on"))
                ),
            ),
            "municipalities",
        )
    )


def export_xlsx(*, actor: Any) -> bytes:
    """Every measure's status and progress, its milestones and its indicator values, one sheet each."""
    authorize(actor, "program.bulk_update")
    buffer = io.BytesIO()
    with translation.override(settings.LANGUAGE_CODE):
        names, columns = _sheet_names(), _columns()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        bold = book.add_format({"bold": True, "bg_color": "#E8EDF3"})
        day = book.add_format({"num_format": "dd.mm.yyyy"})
        sheets = {}
        for key in (MEASURES, MILESTONES, VALUES):
            sheet = book.add_worksheet(names[key])
            sheet.write_row(0, 0, columns[key], bold)
            sheet.freeze_panes(1, 0)
            sheet.set_column(0, 0, 14)
            sheet.set_column(1, 2, 40)
            sheet.set_column(3, 6, 16)
            sheets[key] = sheet
        rows = {MEASURES: 1, MILESTONES: 1, VALUES: 1}
        statuses = dict(MeasureStatus.choices)
        for measure in _measures():
            title = spreadsheet_text(measure.title)
            sheets[MEASURES].write_row(
                rows[MEASURES],
                0,
                [
                    measure.pk,
                    title,
                    str(statuses[measure.status]),
                    "" if measure.progress_from_milestones else measure.progress,
                    "" if measure.progress_from_milestones else spreadsheet_text(measure.progress_reason),
                ],
            )
            rows[MEASURES] += 1
            for milestone in measure.milestones.all():
                sheet, row = sheets[MILESTONES], rows[MILESTONES]
                sheet.write_row(row, 0, [milestone.pk, title, spreadsheet_text(milestone.title)])
                sheet.write_datetime(row, 3, datetime.combine(milestone.due_on, datetime.min.time()), day)
                if milestone.done_on:
                    sheet.write_datetime(
                        row, 4, datetime.combine(milestone.done_on, datetime.min.time()), day
                    )
                rows[MILESTONES] += 1
            for indicator in measure.indicators.all():
                head = [
                    indicator.pk,
                    title,
                    spreadsheet_text(indicator.name),
                    spreadsheet_text(indicator.unit),
                ]
                values: list[IndicatorValue | None] = [*indicator.values.all()] or [None]
                for value in values:
                    sheet, row = sheets[VALUES], rows[VALUES]
                    sheet.write_row(row, 0, head)
                    if value is not None:
                        sheet.write_datetime(
                            row, 4, datetime.combine(value.measured_on, datetime.min.time()), day
                        )
                        # As text in the German notation, so that no float rounds the stored decimal.
                        sheet.write_string(row, 5, figure(value.value))
                        sheet.write_string(row, 6, spreadsheet_text(value.source))
                    rows[VALUES] += 1
        book.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class Change:
    """One change the import would make: the measure, a German sentence, and the service call."""

    measure: str
    text: str
    apply: Callable[..., Any]  # called with actor=


@dataclass
class ImportResult:
    changes: list[Change]
    errors: list[str]


def _cell_error(sheet: str, row: int, column: str, message: str) -> str:
    return _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(message)s") % {
        "sheet": sheet,
        "row": row,
        "column": column,
        "message": message,
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    # The export quoted text that a spreadsheet would run as a formula.
    return text[1:] if text.startswith("'") else text


def _int(value: Any) -> int | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(_text(value))
    except ValueError:
        raise ValueError(_("Please give a whole number.")) from None


def _day(value: Any) -> date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day, no time
        except ValueError:
            continue
    raise ValueError(_("Please give a date such as 31.12.2026."))


def _number(value: Any) -> Decimal | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = _text(value).replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Please give a number, for example 12,5.")) from None
    if not number.is_finite():
        raise ValueError(_("Please give a number, for example 12,5."))
    return number


def _rows(book: Any, key: str, errors: list[str]) -> list[tuple[int, tuple[Any, ...]]]:
    name = _sheet_names()[key]
    if name not in book.sheetnames:
        errors.append(_("The sheet “%(sheet)s” is missing.") % {"sheet": name})
        return []
    sheet = book[name]
    if sheet.max_row > MAX_ROWS + 1:
        errors.append(
            _("The sheet “%(sheet)s” has more than %(max)s rows.") % {"sheet": name, "max": MAX_ROWS}
        )
        return []
    width = len(_columns()[key])
    found = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = tuple(row[:width]) + (None,) * (width - len(row[:width]))
        if all(cell is None or _text(cell) == "" for cell in cells):
            continue
        found.append((number, cells))
    return found


def _day_text(day: date | None) -> str:
    return date_format(day, "DATE_FORMAT") if day else "–"


def read_import(*, actor: Any, content: bytes) -> ImportResult:  # noqa: PLR0912, PLR0915 - one pass per sheet
    """Compare an edited export with what is stored: the changes it would make, or the errors it has."""
    authorize(actor, "program.bulk_update")
    errors: list[str] = []
    changes: list[Change] = []
    with translation.override(settings.LANGUAGE_CODE):
        from openpyxl import load_workbook  # loads where a file is read, not in every web worker

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not XLSX
            return ImportResult([], [_("This file is not an Excel workbook (XLSX) exported here.")])
        names, columns = _sheet_names(), _columns()
        measures = {measure.pk: measure for measure in _measures()}
        milestones = {m.pk: m for measure in measures.values() for m in measure.milestones.all()}
        indicators = {i.pk: i for measure in measures.values() for i in measure.indicators.all()}
        labels = {str(label).casefold(): value for value, label in MeasureStatus.choices}

        for row, cells in _rows(book, MEASURES, errors):
            sheet, cols = names[MEASURES], columns[MEASURES]
            try:
                pk = _int(cells[0])
            except ValueError as error:
                errors.append(_cell_error(sheet, row, cols[0], str(error)))
                continue
            measure = measures.get(pk or 0)
            if measure is None:
                errors.append(_cell_error(sheet, row, cols[0], _("There is no measure with this number.")))
                continue
            status = labels.get(_text(cells[2]).casefold())
            if status is None:
                errors.append(
                    _cell_error(
                        sheet,
                        row,
                        cols[2],
                        _("Please use one of: %(statuses)s.")
                        % {"statuses": ", ".join(str(label) for _v, label in MeasureStatus.choices)},
                    )
                )
                continue
            reason = _text(cells[4])
            if status != measure.status:
                changes.append(
                    Change(
                        measure.title,
                        _("Status “%(after)s” instead of “%(before)s”.")
                        % {"after": MeasureStatus(status).label, "before": measure.get_status_display()},
                        partial(services.measure_set_status, measure=measure, status=status, reason=reason),
                    )
                )
            try:
                progress = _int(cells[3])
            except ValueError as error:
                errors.append(_cell_error(sheet, row, cols[3], str(error)))
                continue
            if progress is not None and not 0 <= progress <= 100:
                errors.append(
                    _cell_error(sheet, row, cols[3], _("Please give a progress between 0 and 100 percent."))
                )
                continue
            if progress is None and not measure.progress_from_milestones:
                changes.append(
                    Change(
                        measure.title,
                        _("Progress follows the milestones again."),
                        partial(services.measure_set_progress, measure=measure, progress=None),
                    )
                )
            elif progress is not None and (
                measure.progress_from_milestones
                or progress != measure.progress
                or reason != measure.progress_reason
            ):
                if not reason:
                    errors.append(
                        _cell_error(
                            sheet, row, cols[4], _("Please say why the progress differs from the milestones.")
                        )
                    )
                    continue
                changes.append(
                    Change(
                        measure.title,
                        _("Progress %(after)s %% instead of %(before)s %%.")
                        % {"after": progress, "before": measure.progress},
                        partial(
                            services.measure_set_progress, measure=measure, progress=progress, reason=reason
                        ),
                    )
                )

        for row, cells in _rows(book, MILESTONES, errors):
            sheet, cols = names[MILESTONES], columns[MILESTONES]
            try:
                pk = _int(cells[0])
            except ValueError as error:
                errors.append(_cell_error(sheet, row, cols[0], str(error)))
                continue
            milestone = milestones.get(pk or 0)
            if milestone is None:
                errors.append(_cell_error(sheet, row, cols[0], _("There is no milestone with this number.")))
                continue
            try:
                done_on = _day(cells[4])
            except ValueError as error:
                errors.append(_cell_error(sheet, row, cols[4], str(error)))
                continue
            if done_on is not None and done_on > timezone.localdate():
                errors.append(_cell_error(sheet, row, cols[4], _("This date lies in the future.")))
                continue
            if done_on != milestone.done_on:
                text = (
                    _("Milestone “%(title)s” reached on %(day)s.")
                    % {"title": milestone.title, "day": _day_text(done_on)}
                    if done_on
                    else _("Milestone “%(title)s” is open again.") % {"title": milestone.title}
                )
                changes.append(
                    Change(
                        measures[milestone.measure_id].title,
                        text,
                        partial(services.milestone_set_done, milestone=milestone, done_on=done_on),
                    )
                )

        for row, cells in _rows(book, VALUES, errors):
            sheet, cols = names[VALUES], columns[VALUES]
            try:
                pk = _int(cells[0])
            except ValueError as error:
                errors.append(_cell_error(sheet, row, cols[0], str(error)))
                continue
            indicator = indicators.get(pk or 0)
            if indicator is None:
                errors.append(_cell_error(sheet, row, cols[0], _("There is no indicator with this number.")))
                continue
            try:
                measured_on = _day(cells[4])
            except ValueError as error:
                errors.append(_cell_error(sheet, row, cols[4], str(error)))
                continue
            try:
                value = _number(cells[5])
            except ValueError as error:
                errors.append(_cell_error(sheet, row, cols[5], str(error)))
                continue
            source = _text(cells[6])
            if measured_on is None and value is None:
                continue  # the indicator's empty row of the export
            if measured_on is None:
                errors.append(_cell_error(sheet, row, cols[4], _("Please give the day of the measurement.")))
                continue
            if value is None:
                errors.append(_cell_error(sheet, row, cols[5], _("Please give the value.")))
                continue
            stored = {v.measured_on: v for v in indicator.values.all()}
            if measured_on in stored:
                if stored[measured_on].value != value:
                    errors.append(
                        _cell_error(
                            sheet,
                            row,
                            cols[5],
                            _(
                                "A different value is already recorded for this day; "
                                "recorded values are not changed."
                            ),
                        )
                    )
                continue
            if not source:
                errors.append(_cell_error(sheet, row, cols[6], _("Please say where the number comes from.")))
                continue
            if measured_on > timezone.localdate():
                errors.append(_cell_error(sheet, row, cols[4], _("This date lies in the future.")))
                continue
            changes.append(
                Change(
                    measures[indicator.measure_id].title,
                    _("“%(indicator)s” on %(day)s: %(value)s.")
                    % {"indicator": indicator.name, "day": _day_text(measured_on), "value": figure(value)},
                    partial(
                        services.indicator_value_add,
                        indicator=indicator,
                        measured_on=measured_on,
                        value=value,
                        source=source,
                    ),
                )
            )
    return ImportResult(changes, errors)


@transaction.atomic
def apply_import(*, actor: Any, content: bytes) -> int:
    """Read the file again and apply every change, or none: the first error rolls all back."""
    result = read_import(actor=actor, content=content)
    if result.errors:
        raise ValidationError(result.errors)
    for change in result.changes:
        try:
            change.apply(actor=actor)
        except ValidationError as error:
            raise ValidationError(
                [f"{change.measure}: {change.text} – {message}" for message in error.messages]
            ) from None
    return len(result.changes)
