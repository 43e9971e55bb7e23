"""The funder report: the whole program as an Excel workbook, and its budget lines as CSV.

Only the program office may download it (``program.export_report``): it includes unpublished measures.
Each download makes the same number of queries however many measures there are: one query per sheet
(with ``select_related``) plus two prefetches for the measures' municipalities and lead organizations.
Money leaves the database as ``Decimal`` and becomes a number (not text) in the workbook, formatted in EUR.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core.spreadsheets import spreadsheet_text
from smartregion.network.selectors import strategy_level_names
from smartregion.strategy.models import Measure, MeasureStatus

from . import selectors
from .models import BudgetLine, Expense, IndicatorValue, Milestone, Responsibility

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "dd.mm.yyyy"


def _require_export(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Sign-in first (anonymous visitors go to the login page), then the program office only (403)."""

    @login_required
    def wrapped(request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("program.export_report"):
            raise PermissionDenied
        return view(request)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _attachment(response: HttpResponse, extension: str) -> HttpResponse:
    response["Content-Disposition"] = (
        f'attachment; filename="programmbericht-{timezone.localdate():%Y-%m-%d}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- The rows ------------------------------------------------------------------------------------------


def _measures() -> QuerySet[Measure]:
    return (
        Measure.objects.select_related("strategy__goal")
        .prefetch_related(
            "municipalities",
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.filter(role=Responsibility.Role.LEAD)
                .select_related("organization")
                .order_by("organization__name"),
                to_attr="leads",
            ),
        )
        .order_by("strategy__goal__position", "strategy__position", "title")
    )


def _budget_lines() -> QuerySet[BudgetLine]:
    return BudgetLine.objects.select_related("measure", "source").order_by(
        "measure__title", "measure_id", "source__position", "source__name", "year"
    )


def _measure_rows(measures: Iterable[Measure]) -> list[list[Any]]:
    rows = []
    for measure in measures:
        places = ", ".join(municipality.name for municipality in measure.municipalities.all())
        leads = ", ".join(responsibility.organization.name for responsibility in measure.leads)  # type: ignore[attr-defined]
        rows.append(
            [
                measure.title,
                measure.strategy.title,
                measure.strategy.goal.title,
                str(MeasureStatus(measure.status).label),
                measure.progress,
                places or _("Whole region"),
                leads,
                _("Yes") if measure.is_published else _("No"),
                measure.budget_planned,
                measure.budget_committed,
                measure.budget_spent,
            ]
        )
    return rows


def _budget_rows(lines: Iterable[BudgetLine]) -> list[list[Any]]:
    return [
        [line.measure.title, line.source.name, line.year, line.planned, line.committed, line.spent]
        for line in lines
    ]


def _expense_rows() -> list[list[Any]]:
    expenses = Expense.objects.select_related("budget_line__measure", "budget_line__source").order_by(
        "booked_on", "id"
    )
    return [
        [
            expense.booked_on,
            expense.budget_line.measure.title,
            expense.budget_line.source.name,
            expense.budget_line.year,
            expense.get_kind_display(),
            expense.amount,
            expense.description,
            expense.document_reference,
            expense.override_reason,
        ]
        for expense in expenses
    ]


def _milestone_rows(today: date) -> list[list[Any]]:
    milestones = Milestone.objects.select_related("measure").order_by("measure__title", "due_on", "id")
    return [
        [
            milestone.measure.title,
            milestone.title,
            milestone.due_on,
            milestone.done_on,
            _("Yes") if milestone.is_overdue(today) else _("No"),
        ]
        for milestone in milestones
    ]


def _indicator_rows() -> list[list[Any]]:
    values = IndicatorValue.objects.select_related("indicator__measure").order_by(
        "indicator__measure__title", "indicator__name", "indicator_id", "measured_on"
    )
    return [
        [
            value.indicator.measure.title,
            value.indicator.name,
            value.indicator.unit,
            value.indicator.baseline,
            value.indicator.target,
            value.indicator.target_on,
            value.measured_on,
            value.value,
            value.source,
        ]
        for value in values
    ]


# --- The workbook --------------------------------------------------------------------------------------


class _Sheet:
    """One worksheet: a bold header row, frozen, with a filter. Columns are typed: "text", "date", "euro"
    (two places, €), "integer" (years, percent) or "number" (Excel's general format: 3, 9.5)."""

    def __init__(self, book: Any, formats: dict[str, Any], name: str) -> None:
        self.book, self.formats = book, formats
        self.sheet = book.add_worksheet(name)

    def write(self, columns: Sequence[tuple[str, str, int]], rows: Sequence[Sequence[Any]]) -> None:
        sheet, formats = self.sheet, self.formats
        for column, (title, kind, width) in enumerate(columns):
            sheet.write_string(0, column, title, formats["header"])
            sheet.set_column(column, column, width, formats.get(kind))
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                kind = columns[column][1]
                if value is None or value == "":
                    sheet.write_blank(row_number, column, None, formats.get(kind))
                elif kind == "date":
                    sheet.write_datetime(row_number, column, value, formats["date"])
                elif kind in ("euro", "integer", "number"):
                    sheet.write_number(row_number, column, float(value), formats.get(kind))
                else:
                    sheet.write_string(row_number, column, str(value))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _workbook() -> bytes:
    today = timezone.localdate()
    goal_level, strategy_level = strategy_level_names()
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    book.set_properties({"title": _("Program report"), "created": timezone.now().replace(tzinfo=None)})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1, "text_wrap": True}),
        "euro": book.add_format({"num_format": EURO_FORMAT}),
        "date": book.add_format({"num_format": DATE_FORMAT}),
        "integer": book.add_format({"num_format": "0"}),
    }
    euro = [
        (_("Planned (EUR)"), "euro", 16),
        (_("Committed (EUR)"), "euro", 16),
        (_("Spent (EUR)"), "euro", 16),
    ]
    _Sheet(book, formats, _("Measures")).write(
        [
            (_("Measure"), "text", 48),
            (strategy_level, "text", 32),
            (goal_level, "text", 32),
            (_("Status"), "text", 14),
            (_("Progress (%)"), "integer", 12),
            (_("Municipalities"), "text", 32),
            (_("Lead organizations"), "text", 36),
            (_("Published"), "text", 12),
            *euro,
        ],
        _measure_rows(_measures()),
    )
    _Sheet(book, formats, _("Budget")).write(
        [(_("Measure"), "text", 48), (_("Funding source"), "text", 40), (_("Year"), "integer", 8), *euro],
        _budget_rows(_budget_lines()),
    )
    _Sheet(book, formats, _("Expenses")).write(
        [
            (_("Date"), "date", 12),
            (_("Measure"), "text", 48),
            (_("Funding source"), "text", 40),
            (_("Year"), "integer", 8),
            (_("Kind"), "text", 14),
            (_("Amount (EUR)"), "euro", 16),
            (_("Description"), "text", 40),
            (_("Document reference"), "text", 18),
            (_("Reason for paying beyond the commitment"), "text", 40),
        ],
        _expense_rows(),
    )
    _Sheet(book, formats, _("Milestones")).write(
        [
            (_("Measure"), "text", 48),
            (_("Milestone"), "text", 40),
            (_("Due on"), "date", 12),
            (_("Done on"), "date", 12),
            (_("Overdue"), "text", 12),
        ],
        _milestone_rows(today),
    )
    _Sheet(book, formats, _("Indicators")).write(
        [
            (_("Measure"), "text", 48),
            (_("Indicator"), "text", 40),
            (_("Unit"), "text", 14),
            (_("Baseline"), "number", 12),
            (_("Target"), "number", 12),
            (_("Target date"), "date", 12),
            (_("Measured on"), "date", 12),
            (_("Value"), "number", 12),
            (_("Source"), "text", 40),
        ],
        _indicator_rows(),
    )
    _funder_sheets(book, formats, today)
    book.close()
    return output.getvalue()


def _funder_sheets(book: Any, formats: dict[str, Any], today: date) -> None:
    """The funder's pack (issue 14): the grant header and the money per measure, year and source."""
    from . import funder_report  # reportlab loads where a report is made, not in every web worker

    deadlines = selectors.deadlines(today)
    _Sheet(book, formats, _("Grant")).write(
        [
            (_("Commitment number"), "text", 24),
            (_("Funding program"), "text", 30),
            (_("Phase"), "text", 28),
            (_("Period from"), "date", 12),
            (_("Period to"), "date", 12),
            (_("Funding rate (%)"), "number", 12),
            (_("Commitment date"), "date", 12),
            (_("Proof of use due"), "date", 14),
        ],
        [
            [
                row.number,
                row.program,
                row.phase,
                row.starts_on,
                row.ends_on,
                row.rate,
                row.committed_on,
                row.proof_due,
            ]
            for row in funder_report.header_rows(deadlines)
        ],
    )
    _Sheet(book, formats, _("Funder report")).write(
        [
            (_("Measure"), "text", 48),
            (_("Year"), "integer", 8),
            (_("Funding source"), "text", 40),
            (_("Planned (EUR)"), "euro", 16),
            (_("Committed (EUR)"), "euro", 16),
            (_("Paid (EUR)"), "euro", 16),
            (_("Own staff effort (EUR)"), "euro", 16),
            (_("Paid and called (EUR)"), "euro", 16),
            (_("Proof of use due"), "date", 14),
        ],
        funder_report.measure_year_source_rows(deadlines),
    )


@_require_export
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The funder report's one-page summary as PDF."""
    from . import funder_report  # reportlab loads where a report is made, not in every web worker

    return _attachment(HttpResponse(funder_report.summary_pdf(), content_type="application/pdf"), "pdf")


@_require_export
def report_xlsx(request: HttpRequest) -> HttpResponse:
    """The funder report as an Excel workbook: measures, budget, expenses, milestones, indicators."""
    return _attachment(HttpResponse(_workbook(), content_type=XLSX_TYPE), "xlsx")


def _csv_amount(amount: Decimal) -> str:
    """1234.5 → "1234,50": a decimal comma and no thousands separator."""
    return f"{amount:.2f}".replace(".", ",")


@_require_export
def report_csv(request: HttpRequest) -> HttpResponse:
    """The budget lines as CSV, one row per measure, funding source and year.

    Written for German spreadsheet programs: UTF-8 with a byte order mark (so Excel detects the encoding),
    semicolons between fields, and amounts with a decimal comma and two places, without thousands separators
    ("1234,50"). German Excel and LibreOffice read such amounts as numbers; a decimal point would turn them
    into text or dates there. Tools that read the file by program need ``decimal=","`` (pandas) or the like.
    """
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Measure"),
            _("Funding source"),
            _("Year"),
            _("Planned (EUR)"),
            _("Committed (EUR)"),
            _("Spent (EUR)"),
        ]
    )
    for title, source, year, planned, committed, spent in _budget_rows(_budget_lines()):
        writer.writerow(
            [
                spreadsheet_text(title),
                spreadsheet_text(source),
                year,
                _csv_amount(planned),
                _csv_amount(committed),
                _csv_amount(spent),
            ]
        )
    response = HttpResponse(output.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, "csv")


urlpatterns: list[URLPattern] = [
    path("bericht.xlsx", report_xlsx, name="report_xlsx"),
    path("bericht.csv", report_csv, name="report_csv"),
    path("bericht.pdf", report_pdf, name="report_pdf"),
]
