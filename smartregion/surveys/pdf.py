"""The paper questionnaire as a PDF (reportlab): boxes to tick, lines to write on, a question never split
across pages (KeepTogether), the form number and page on every page. Built-in Helvetica only: no font
file is fetched or embedded, and its encoding covers German text and „quotes“."""

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from smartregion.accounts.models import AgeGroup

from .models import CHOICE_KINDS, Question, QuestionKind, Section, Survey

BOX = 4 * mm


class Box(Flowable):
    """A square to tick (or, wider, to write a rank or a number in)."""

    def __init__(self, width: float = BOX, height: float = BOX) -> None:
        super().__init__()
        self.width, self.height = width, height

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.width, self.height)


class Lines(Flowable):
    """Ruled lines to write on."""

    def __init__(self, count: int, width: float = 170 * mm, gap: float = 8 * mm) -> None:
        super().__init__()
        self.count, self.width, self.gap = count, width, gap
        self.height = count * gap

    def draw(self) -> None:
        self.canv.setLineWidth(0.5)
        self.canv.setStrokeColor(colors.grey)
        for index in range(self.count):
            y = index * self.gap
            self.canv.line(0, y, self.width, y)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=18, leading=22, alignment=0),
        "section": ParagraphStyle("section", parent=base["Heading2"], fontSize=13, spaceBefore=8),
        "question": ParagraphStyle(
            "question",
            parent=base["Normal"],
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            spaceBefore=6,
        ),
        "hint": ParagraphStyle(
            "hint", parent=base["Normal"], fontSize=9, textColor=colors.HexColor("#444444")
        ),
        "text": ParagraphStyle("text", parent=base["Normal"], fontSize=10.5, leading=13),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _box_rows(labels: list[str], style: ParagraphStyle, size: tuple[float, float] = (BOX, BOX)) -> Table:
    table = Table(
        [[Box(*size), _p(label, style)] for label in labels], colWidths=[size[0] + 5 * mm, 160 * mm]
    )
    table.hAlign = "LEFT"
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _widgets(question: Question, styles: dict[str, ParagraphStyle]) -> list[Any]:  # noqa: PLR0911 - a branch per kind
    text = styles["text"]
    options = [option.text for option in question.options.all()]
    kind = question.kind
    if kind in CHOICE_KINDS:
        flow: list[Any] = [_box_rows(options, text)]
        if question.allow_other:
            flow.append(
                _box_rows([_("Other: please specify") + " ____________________________________"], text)
            )
        return flow
    if kind == QuestionKind.SCALE:
        top = question.scale_max or 5
        table = Table(
            [[str(value) for value in range(1, top + 1)], [Box() for _value in range(top)]],
            colWidths=[12 * mm] * top,
        )
        table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        ends = f"1 = {question.scale_min_label or '–'} · {top} = {question.scale_max_label or '–'}"
        return [table, _p(ends, styles["hint"])]
    if kind == QuestionKind.RANKING:
        return [_box_rows(options, text, (8 * mm, 6 * mm))]
    if kind == QuestionKind.MATRIX:
        top = question.scale_max or 5
        data = [["", *[str(v) for v in range(1, top + 1)]]] + [
            [_p(row, text), *[Box() for _v in range(top)]] for row in options
        ]
        table = Table(data, colWidths=[70 * mm] + [10 * mm] * top, hAlign="LEFT")
        table.setStyle(
            TableStyle([("ALIGN", (1, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
        )
        flow = [table]
        if question.scale_min_label or question.scale_max_label:
            flow.append(
                _p(
                    f"1 = {question.scale_min_label or '–'} · {top} = {question.scale_max_label or '–'}",
                    styles["hint"],
                )
            )
        return flow
    if kind == QuestionKind.LONG_TEXT:
        return [Spacer(1, 4 * mm), Lines(6)]
    if kind == QuestionKind.DATE:
        return [_p(_("Date") + ": ____ . ____ . ________", text)]
    if kind == QuestionKind.POINT:
        return [_p(_("Describe the place (street, landmark):"), styles["hint"]), Spacer(1, 4 * mm), Lines(2)]
    if kind == QuestionKind.NUMBER:
        return [_box_rows([""], text, (30 * mm, 7 * mm))]
    return [Spacer(1, 4 * mm), Lines(1)]


def _number(value: Any) -> str:
    """A range's end as people write it: 20, not 2E+1 (Decimal.normalize) nor 20.00."""
    return str(number_format(value.quantize(1) if value == value.to_integral() else value))


def _hints(question: Question) -> list[str]:
    hints = []
    if question.help_text:
        hints.append(question.help_text)
    if question.kind == QuestionKind.SINGLE:
        hints.append(_("Tick one box."))
    elif question.kind == QuestionKind.MULTIPLE:
        hints.append(_("Tick all that apply."))
    elif question.kind == QuestionKind.RANKING:
        count = len(question.options.all())
        hints.append(_("Number the options from 1 (most important) to %(n)d.") % {"n": count})
    elif (
        question.kind == QuestionKind.NUMBER
        and question.number_min is not None
        and question.number_max is not None
    ):
        hints.append(
            _("A number from %(low)s to %(high)s.")
            % {"low": _number(question.number_min), "high": _number(question.number_max)}
        )
    conditions = list(question.show_if.all())
    if conditions:
        hints.append(
            _("Please answer only if you chose %(answers)s for “%(question)s”.")
            % {
                "answers": (" " + _("or") + " ").join(f"„{o.text}“" for o in conditions),
                "question": conditions[0].question.text,
            }
        )
    return hints


def questionnaire_pdf(
    survey: Survey, sections: list[Section], questions: list[Question], *, region_name: str
) -> bytes:
    """The survey as a paper questionnaire."""
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=survey.title,
        author=region_name,
        lang="de",
    )
    story: list[Any] = [_p(survey.title, styles["title"])]
    if survey.description:
        story.append(_p(survey.description, styles["text"]))
    story.append(Spacer(1, 3 * mm))
    story.append(
        _p(
            _(
                "Please mark the boxes with a cross. "
                "Return the questionnaire to your town hall or at one of our events."
            ),
            styles["hint"],
        )
    )
    number = 0
    for section in sections:
        own = [q for q in questions if q.section_id == section.pk]
        if not own:
            continue
        head: list[Any] = [_p(section.title, styles["section"])]
        conditions = list(section.show_if.all())
        if conditions:
            head.append(
                _p(
                    _("Please answer only if you chose %(answers)s for “%(question)s”.")
                    % {
                        "answers": (" " + _("or") + " ").join(f"„{o.text}“" for o in conditions),
                        "question": conditions[0].question.text,
                    },
                    styles["hint"],
                )
            )
        for index, question in enumerate(own):
            number += 1
            block: list[Any] = [*head] if index == 0 else []
            label = f"{number}. {question.text}" + ("" if question.required else " " + _("(optional)"))
            block.append(_p(label, styles["question"]))
            block.extend(_p(hint, styles["hint"]) for hint in _hints(question))
            block.append(Spacer(1, 2 * mm))
            block.extend(_widgets(question, styles))
            block.append(Spacer(1, 4 * mm))
            story.append(KeepTogether(block))
    about: list[Any] = [
        _p(_("About you (voluntary)"), styles["section"]),
        _p(_("Your municipality") + ": ________________________________", styles["text"]),
        Spacer(1, 3 * mm),
        _p(_("Your age group") + ":", styles["text"]),
        _box_rows([str(label) for _v, label in AgeGroup.choices], styles["text"]),
    ]
    story.append(KeepTogether(about))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(20 * mm, 10 * mm, f"{region_name} · {survey.title}"[:90])
        canvas.drawRightString(
            190 * mm, 10 * mm, _("Form no.") + " ____________   " + _("Page %(page)d") % {"page": doc.page}
        )
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
