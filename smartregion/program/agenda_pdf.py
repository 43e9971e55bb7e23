"""The Digitale Agenda as a PDF for the council: a title page, then one profile page per measure.

Built with reportlab from the frozen profiles only (never from the live models), in the site's language.
The standard Helvetica covers German (umlauts, ß, „“, €) without embedding a font file.
"""

import unicodedata
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from smartregion.network.selectors import strategy_level_names

from .agenda import _day, profile_total
from .models import AgendaSnapshot
from .templatetags.program import euro, figure

WIDTH = A4[0] - 40 * mm
GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle(
            "title", parent=sheet["Title"], fontName="Helvetica-Bold", fontSize=22, leading=27
        ),
        "h1": ParagraphStyle(
            "h1", parent=sheet["Heading1"], fontName="Helvetica-Bold", fontSize=15, leading=19
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=sheet["Heading2"],
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=13,
            spaceBefore=8,
        ),
        "body": ParagraphStyle(
            "body", parent=sheet["BodyText"], fontName="Helvetica", fontSize=9, leading=12
        ),
        "small": ParagraphStyle(
            "small", parent=sheet["BodyText"], fontName="Helvetica", fontSize=8, leading=10
        ),
        "cell": ParagraphStyle(
            "cell", parent=sheet["BodyText"], fontName="Helvetica", fontSize=8.5, leading=10.5
        ),
    }


def _latin(text: Any) -> str:
    """Text the standard fonts can draw: "CO₂" becomes "CO2" (compatibility forms), and a character the
    fonts lack (WinAnsi encoding) becomes "?" instead of a black box."""
    normal = unicodedata.normalize("NFKC", str(text or ""))
    return normal.encode("cp1252", errors="replace").decode("cp1252")


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(_latin(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list[Any]], widths: list[float], numeric_from: int | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(GRID)
    if numeric_from is not None:
        table.setStyle(TableStyle([("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT")]))
    return table


def _financing(profile: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    lines = profile["financing"]
    if not lines:
        return [_p(_("No budget planned."), s["body"])]
    rows: list[list[Any]] = [[_("Year"), _("Funding source"), _("Planned"), _("Committed"), _("Paid")]]
    for line in lines:
        rows.append(
            [
                str(line["year"]),
                _p(line["source"], s["cell"]),
                euro(line["planned"]),
                euro(line["committed"]),
                euro(line["spent"]),
            ]
        )
    rows.append(
        ["", _("Total"), euro(profile["planned"]), euro(profile["committed"]), euro(profile["spent"])]
    )
    table = _table(rows, [14 * mm, WIDTH - 14 * mm - 3 * 32 * mm, 32 * mm, 32 * mm, 32 * mm], numeric_from=2)
    table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5)]))
    return [table]


def _milestones(profile: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    if not profile["milestones"]:
        return [_p(_("No milestones planned."), s["body"])]
    rows: list[list[Any]] = [[_("Milestone"), _("Due on"), _("Reached on")]]
    rows += [
        [_p(m["title"], s["cell"]), _day(m["due_on"]), _day(m["done_on"])] for m in profile["milestones"]
    ]
    return [_table(rows, [WIDTH - 60 * mm, 30 * mm, 30 * mm])]


def _indicators(profile: dict[str, Any], s: dict[str, ParagraphStyle]) -> list[Any]:
    if not profile["indicators"]:
        return [_p(_("No indicators defined."), s["body"])]
    rows: list[list[Any]] = [[_("Indicator"), _("Kind"), _("Baseline"), _("Target path"), _("Latest value")]]
    for i in profile["indicators"]:
        unit = i["unit"]
        baseline = f"{figure(i['baseline'])} {unit}"
        baseline += f" ({_day(i['baseline_on'])})" if i["baseline_on"] else f" ({_('no date')})"
        path = ", ".join(f"{t['year']}: {figure(t['value'])}" for t in i["targets"]) or figure(i["target"])
        latest = i["latest"]
        latest_text = f"{figure(latest['value'])} {unit} ({_day(latest['measured_on'])})" if latest else "–"
        rows.append(
            [
                _p(f"{i['name']} ({i['cadence']})", s["cell"]),
                _p(i["kind_label"], s["cell"]),
                _p(baseline, s["cell"]),
                _p(path, s["cell"]),
                _p(latest_text, s["cell"]),
            ]
        )
    return [_table(rows, [WIDTH - 24 * mm - 3 * 32 * mm, 24 * mm, 32 * mm, 32 * mm, 32 * mm])]


def _facts(profile: dict[str, Any], s: dict[str, ParagraphStyle], levels: tuple[str, str]) -> Table:
    contact = profile.get("contact")
    contact_text = "–"
    if contact:
        contact_text = ", ".join(
            part for part in (contact["organization"], contact["email"], contact["phone"]) if part
        )
    responsible = "; ".join(f"{r['organization']} ({r['role_label']})" for r in profile["responsible"]) or "–"
    status = profile["status_label"]
    if profile.get("monitoring_label"):
        status += f" · {profile['monitoring_label']}"
    rows = [
        [levels[0], _p(profile["goal"], s["cell"])],
        [levels[1], _p(profile["strategy"], s["cell"])],
        [_("Domains of life"), _p(", ".join(profile["domains"]) or "–", s["cell"])],
        [_("Municipalities"), _p(", ".join(profile["municipalities"]) or _("Whole region"), s["cell"])],
        [_("Responsible"), _p(responsible, s["cell"])],
        [_("Contact"), _p(contact_text, s["cell"])],
        [_("Status"), _p(f"{status} · {profile['progress']} %", s["cell"])],
    ]
    table = Table(rows, colWidths=[35 * mm, WIDTH - 35 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 8.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _footer(snapshot: AgendaSnapshot) -> Any:
    label = _latin(snapshot.title)
    if snapshot.is_adopted:
        label += f" · {_latin(snapshot.decided_by)}, {_latin(snapshot.decision_reference)}"
    else:
        label += f" · {_('Draft, not yet adopted.')}"

    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#4a5561"))
        canvas.drawString(20 * mm, 12 * mm, label)
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, _("Page %(page)s") % {"page": doc.page})
        canvas.restoreState()

    return draw


def agenda_pdf(snapshot: AgendaSnapshot) -> bytes:
    """The agenda as a PDF: title page with the decision and totals, then one page per measure."""
    with translation.override(settings.LANGUAGE_CODE):
        s = _styles()
        levels = strategy_level_names()
        story: list[Any] = [Spacer(1, 40 * mm), _p(snapshot.title, s["title"]), Spacer(1, 6 * mm)]
        if snapshot.is_adopted and snapshot.decided_on:
            decision = _("Adopted by %(body)s on %(day)s (%(reference)s).") % {
                "body": snapshot.decided_by,
                "day": date_format(snapshot.decided_on, "DATE_FORMAT"),
                "reference": snapshot.decision_reference,
            }
        else:
            decision = _("Draft, not yet adopted.")
        story.append(_p(decision, s["body"]))
        if snapshot.oparl_url:
            story.append(_p(_("Council paper: %(url)s") % {"url": snapshot.oparl_url}, s["small"]))
        story.append(
            _p(
                _("Profiles frozen on %(day)s.") % {"day": date_format(snapshot.frozen_at, "DATE_FORMAT")},
                s["small"],
            )
        )
        story.append(Spacer(1, 8 * mm))
        profiles = snapshot.profiles
        summary = [[_("Measures"), _("Planned"), _("Committed"), _("Paid")]]
        summary.append(
            [
                str(len(profiles)),
                euro(profile_total(profiles, "planned")),
                euro(profile_total(profiles, "committed")),
                euro(profile_total(profiles, "spent")),
            ]
        )
        story.append(_table(summary, [WIDTH / 4] * 4, numeric_from=1))
        story.append(Spacer(1, 6 * mm))
        contents: list[list[Any]] = [[_("No."), _("Measure"), _("Status"), _("Planned")]]
        for number, profile in enumerate(profiles, start=1):
            contents.append(
                [
                    str(number),
                    _p(profile["title"], s["cell"]),
                    profile["status_label"],
                    euro(Decimal(profile["planned"])),
                ]
            )
        story.append(_table(contents, [12 * mm, WIDTH - 12 * mm - 60 * mm, 28 * mm, 32 * mm], numeric_from=3))
        for number, profile in enumerate(profiles, start=1):
            story.append(PageBreak())
            story.append(_p(f"{number}. {profile['title']}", s["h1"]))
            story.append(_p(profile["summary"], s["body"]))
            if profile["description"]:
                story.append(Spacer(1, 2 * mm))
                story.append(_p(profile["description"][:2500], s["small"]))
            story.append(Spacer(1, 3 * mm))
            story.append(_facts(profile, s, levels))
            story.append(KeepTogether([_p(_("Financing plan"), s["h2"]), *_financing(profile, s)]))
            story.append(KeepTogether([_p(_("Implementation plan"), s["h2"]), *_milestones(profile, s)]))
            story.append(KeepTogether([_p(_("Indicators"), s["h2"]), *_indicators(profile, s)]))
        buffer = BytesIO()
        footer = _footer(snapshot)
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=20 * mm,
            title=snapshot.title,
            author="SmartRegion",
            lang="de",
        )
        document.build(story, onFirstPage=footer, onLaterPages=footer)
        return buffer.getvalue()
