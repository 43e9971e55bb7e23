"""The funder report pack (issue 14): the grant's header and, per measure, year and funding source, what
was planned, committed and paid, the own staff effort, the payments covered by fund calls and the
proof-of-use deadline of the phase; plus a one-page PDF summary for the file.

Every figure is summed by the database in a fixed number of queries whatever the number of measures;
``exports.py`` writes the rows into the workbook and this module's PDF is drawn with reportlab.
"""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import selectors
from .models import ZERO, BudgetLine, FundCallPayment, StaffEffort
from .templatetags.program import euro


@dataclass(frozen=True)
class HeaderRow:
    """One funding commitment as the funder names it."""

    number: str
    program: str
    phase: str
    starts_on: date
    ends_on: date
    rate: Decimal | None
    committed_on: date
    proof_due: date


def header_rows(deadlines: list[selectors.Deadline]) -> list[HeaderRow]:
    """The grant header: commitment number, program, phase, period and rate, with the deadline."""
    return [
        HeaderRow(
            number=deadline.commitment.number,
            program=deadline.commitment.program_name,
            phase=f"{deadline.phase_letter} – {deadline.commitment.phase.name}",
            starts_on=deadline.commitment.phase.starts_on,
            ends_on=deadline.commitment.phase.ends_on,
            rate=deadline.commitment.source.rate,
            committed_on=deadline.commitment.committed_on,
            proof_due=deadline.due_on,
        )
        for deadline in deadlines
    ]


def _due_by_year(deadlines: list[selectors.Deadline]) -> dict[int, date]:
    """The proof-of-use deadline that covers a year: the one of the phase the year falls in (the later
    phase where two share a year)."""
    due: dict[int, date] = {}
    for deadline in sorted(deadlines, key=lambda item: item.commitment.phase.starts_on):
        phase = deadline.commitment.phase
        for year in range(phase.starts_on.year, phase.ends_on.year + 1):
            due[year] = deadline.due_on
    return due


def measure_year_source_rows(deadlines: list[selectors.Deadline]) -> list[list[Any]]:
    """Per measure, year and source: planned, committed, paid, own staff effort, paid and called, the
    proof-of-use deadline. Own staff effort is a row of its own per measure and year (source column:
    "Own staff effort"), since it is booked on no source. Four queries."""
    called = {
        (
            row["expense__budget_line__measure"],
            row["expense__budget_line__year"],
            row["expense__budget_line__source"],
        ): row["total"]
        for row in FundCallPayment.objects.values(
            "expense__budget_line__measure", "expense__budget_line__year", "expense__budget_line__source"
        )
        .annotate(total=Sum("expense__amount"))
        .order_by()
    }
    due = _due_by_year(deadlines)
    rows: dict[tuple[str, int, int, int, str], list[Any]] = {}
    for line in BudgetLine.objects.select_related("measure", "source").order_by(
        "measure__title", "measure_id", "year", "source__position", "source__name"
    ):
        key = (line.measure.title, line.measure_id, line.year, line.source.position, line.source.name)
        rows[key] = [
            line.measure.title,
            line.year,
            line.source.name,
            line.planned,
            line.committed,
            line.spent,
            ZERO,
            called.get((line.measure_id, line.year, line.source_id), ZERO),
            due.get(line.year),
        ]
    effort_label = _("Own staff effort")
    for row in (
        StaffEffort.objects.values("measure", "measure__title", "month__year")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        year = row["month__year"]
        key = (row["measure__title"], row["measure"], year, 10**6, effort_label)
        rows[key] = [
            row["measure__title"],
            year,
            effort_label,
            ZERO,
            ZERO,
            ZERO,
            row["total"],
            ZERO,
            due.get(year),
        ]
    return [rows[key] for key in sorted(rows)]


# --- The PDF summary -----------------------------------------------------------------------------------


def summary_pdf(*, today: date | None = None) -> bytes:
    """One page for the file: the grant, the money per source, own staff effort, cash and deadlines, and
    the measures that break a rule."""
    today = today or timezone.localdate()
    overview = selectors.grant_overview(today=today)
    money = {
        row["source"]: selectors.Amounts.of(row)
        for row in BudgetLine.objects.values("source").annotate(**selectors.money_sums()).order_by()
    }
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=8, leading=10)
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Funder report"),
        lang="de",
    )
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def day(value: date) -> str:
        return date_format(value, "SHORT_DATE_FORMAT")

    def rate(value: Decimal | None) -> str:
        return "–" if value is None else f"{value:.2f}".replace(".", ",").removesuffix(",00") + " %"

    story: list[Any] = [
        Paragraph(_("Funder report"), styles["Title"]),
        Paragraph(_("As of %(day)s") % {"day": date_format(today, "DATE_FORMAT")}, styles["Normal"]),
        Spacer(1, 4 * mm),
        Paragraph(_("Funding commitments"), styles["Heading2"]),
    ]
    header = [
        [
            _("Funding commitment"),
            _("Phase"),
            _("Period"),
            _("Rate"),
            _("Commitment date"),
            _("Proof of use due"),
        ]
    ]
    for grant in header_rows(overview.deadlines):
        header.append(
            [
                grant.number,
                grant.phase,
                f"{day(grant.starts_on)} – {day(grant.ends_on)}",
                rate(grant.rate),
                day(grant.committed_on),
                day(grant.proof_due),
            ]
        )
    if len(header) == 1:
        header.append([_("No funding commitment is recorded yet."), "", "", "", "", ""])
    # Text columns read left-aligned; only the money table below aligns its figures right.
    left = TableStyle([*grid.getCommands(), ("ALIGN", (0, 0), (-1, -1), "LEFT")])
    widths = [w * mm for w in (30, 36, 40, 12, 26, 30)]  # 174 mm: the A4 page within its margins
    story += [Table(header, style=left, repeatRows=1, hAlign="LEFT", colWidths=widths), Spacer(1, 4 * mm)]

    story.append(Paragraph(_("Money and cash per funding source"), styles["Heading2"]))
    cash_table = [[_("Funding source"), _("Planned"), _("Committed"), _("Paid"), _("Called"), _("Received")]]
    totals = [ZERO] * 5
    for row in overview.cash:
        amounts = money.get(row.source.pk)
        values = [
            amounts.planned if amounts else ZERO,
            amounts.committed if amounts else ZERO,
            row.paid,
            row.called,
            row.received,
        ]
        totals = [total + value for total, value in zip(totals, values, strict=True)]
        cash_table.append([Paragraph(_escape(row.source.name), small), *(euro(value) for value in values)])
    cash_table.append([_("Total"), *(euro(value) for value in totals)])
    style = TableStyle([*grid.getCommands(), ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")])
    story += [
        Table(cash_table, style=style, repeatRows=1, hAlign="LEFT", colWidths=[58 * mm] + [23 * mm] * 5),
        Spacer(1, 4 * mm),
    ]

    story.append(Paragraph(_("Eligible costs and the funder's rules"), styles["Heading2"]))
    facts = [
        [_("Eligible costs"), euro(overview.eligible)],
        [_("of which own staff effort"), euro(overview.staff_effort)],
        [_("Measures with money"), str(len(overview.checks))],
        [_("Measures breaking a rule"), str(len(overview.breached))],
    ]
    story += [Table(facts, style=TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9)]), hAlign="LEFT")]
    for check in overview.breached:
        reasons = " ".join(breach.reason for breach in check.breaches)
        story.append(Paragraph(f"<b>{_escape(check.title)}</b>: {_escape(reasons)}", styles["BodyText"]))
    document.build(story)
    return output.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
