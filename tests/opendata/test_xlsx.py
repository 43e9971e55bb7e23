"""The XLSX writer (formats.xlsx_write, SpreadsheetML written by hand): what a spreadsheet program reads back
from it, read with openpyxl."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from smartregion.opendata.datasets import (
    DATE,
    DATETIME,
    INTEGER,
    LIST,
    NUMBER,
    TEXT,
    URL,
    Column,
    Dataset,
    Version,
)
from smartregion.opendata.formats import BATCH, EXCEL_TEXT_MAX, xlsx_write

COLUMNS = (
    Column("title", TEXT, "Titel"),
    Column("url", URL, "Adresse"),
    Column("count", INTEGER, "Anzahl"),
    Column("amount", NUMBER, "Betrag"),
    Column("due", DATE, "Fällig"),
    Column("published", DATETIME, "Veröffentlicht"),
    Column("domains", LIST, "Bereiche"),
)
SUMMER = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC)  # 12:00 in Koblenz (CEST)
WINTER = datetime.datetime(2026, 1, 15, 10, 30, tzinfo=datetime.UTC)  # 11:30 (CET)
LONG = "Ein langer Text über die Region. " * 900  # about 30,000 characters, below Excel's 32,767


def _wall(*parts: int) -> datetime.datetime:
    """A wall-clock time as openpyxl reads it from Excel's serial days: naive."""
    return datetime.datetime(*parts)  # noqa: DTZ001


def _dataset(rows: list[tuple], slug: str = "test-daten") -> Dataset:
    return Dataset(
        slug=slug,
        title="Testdaten & <mehr>",
        description="",
        keywords=(),
        themes=(),
        columns=COLUMNS,
        rows=lambda: iter(rows),
        version=lambda: Version(None, ""),
    )


def _write(dataset: Dataset) -> tuple[int, bytes]:
    output = io.BytesIO()
    count = xlsx_write(dataset, str(dataset.title), output)
    return count, output.getvalue()


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_cells_read_back_as_the_rows(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    rows = [
        (
            "=1+1",
            "https://example.org/?a=1&b=2",
            7,
            Decimal("12.50"),
            datetime.date(2026, 1, 31),
            SUMMER,
            ["A"],
        ),
        (
            "Grüße aus Weißenthurm & <Mayen> > 3",
            None,
            0,
            Decimal("-0.001"),
            None,
            WINTER,
            ["Mobilität", "Umwelt"],
        ),
        ("Steuer\x01zeichen, _x0041_ und\nUmbruch", "", -5, None, datetime.date(1900, 3, 1), None, []),
        (LONG, "http://x.example/", 2**40, Decimal("1234567.89"), None, None, None),
        ("  Leer am Rand  ", None, None, Decimal(0), None, None, ["1", "2"]),
    ]

    count, data = _write(_dataset(rows))

    assert count == len(rows)
    sheet = _sheet(data)
    assert _values(sheet) == [
        ["title", "url", "count", "amount", "due", "published", "domains"],
        [
            "=1+1",
            "https://example.org/?a=1&b=2",
            7,
            12.5,
            _wall(2026, 1, 31),
            _wall(2026, 7, 1, 12, 0),
            "A",
        ],
        [
            "Grüße aus Weißenthurm & <Mayen> > 3",
            None,
            0,
            -0.001,
            None,
            _wall(2026, 1, 15, 11, 30),
            "Mobilität; Umwelt",
        ],
        # A character XML does not allow in Excel's escape (ECMA-376 ST_Xstring), which Excel reads back.
        [
            "Steuer_x0001_zeichen, _x005F_x0041_ und\nUmbruch",
            None,
            -5,
            None,
            _wall(1900, 3, 1),
            None,
            None,
        ],
        [LONG, "http://x.example/", 2**40, 1234567.89, None, None, None],
        ["  Leer am Rand  ", None, None, 0, None, None, "1; 2"],
    ]
    assert unescape(sheet["A4"].value) == rows[2][0]
    assert sheet["A2"].data_type == "s"  # a text, never a formula
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["F2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["C2"].number_format == "General"
    book = zipfile.ZipFile(io.BytesIO(data))
    assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()
    assert "<dc:title>Testdaten &amp; &lt;mehr&gt;</dc:title>" in book.read("docProps/core.xml").decode()


def test_a_text_longer_than_excel_holds_is_cut_to_its_limit():
    row = ("Ä" * (EXCEL_TEXT_MAX + 10), None, None, None, None, None, ["x" * (EXCEL_TEXT_MAX + 1)])

    _count, data = _write(_dataset([row]))

    assert _values(_sheet(data))[1] == [
        "Ä" * EXCEL_TEXT_MAX,
        None,
        None,
        None,
        None,
        None,
        "x" * EXCEL_TEXT_MAX,
    ]


def test_repeated_texts_are_shared_and_unique_ones_inline(monkeypatch):
    """Codes and labels go into the workbook's table of shared strings, escaped and with their edge spaces
    kept; unique texts stay inline; a full table takes no more texts."""
    labels = ["  Rand  ", "A & <B>", "Steuer\x01zeichen"]
    rows = [(labels[n % 3], f"https://x.example/{n}", n, None, None, None, ["Mobilität"]) for n in range(60)]

    _count, data = _write(_dataset(rows))

    book = zipfile.ZipFile(io.BytesIO(data))
    sheet_xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet_xml.count('t="s"') == 120  # title and domains
    assert sheet_xml.count('t="inlineStr"') == 60 + len(COLUMNS)  # the addresses and the header
    assert book.read("xl/sharedStrings.xml").decode().count("<si>") == 4
    values = _values(_sheet(data))
    assert [row[0] for row in values[1:4]] == ["  Rand  ", "A & <B>", "Steuer_x0001_zeichen"]
    assert {row[6] for row in values[1:]} == {"Mobilität"}

    monkeypatch.setattr("smartregion.opendata.formats.SHARED_MAX", 2)
    _count, data = _write(_dataset(rows))
    assert zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml").decode().count("<si>") == 1
    assert _values(_sheet(data))[1:4] == values[1:4]


def test_header_is_bold_frozen_and_filtered():
    rows = [("Idee", None, n, None, None, None, None) for n in range(BATCH + 3)]  # more than one batch

    count, data = _write(_dataset(rows))

    assert count == BATCH + 3
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "test-daten"
    assert [cell.value for cell in sheet[1]] == [column.name for column in COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["A1"].fill.fgColor.rgb == "FFE8EEF4"
    assert sheet["A1"].border.bottom.style == "thin"
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{BATCH + 4}"
    assert [sheet.cell(row, 3).value for row in range(2, BATCH + 5)] == list(range(BATCH + 3))
    assert sheet.column_dimensions["A"].width == 30.7109375  # 30 characters and the margin, as Excel writes
    assert sheet.column_dimensions["C"].width == 14.7109375


def test_empty_dataset_gives_the_header_only():
    count, data = _write(_dataset([]))

    assert count == 0
    sheet = _sheet(data)
    assert _values(sheet) == [[column.name for column in COLUMNS]]
    assert sheet.freeze_panes == "A2"


def test_a_row_of_the_wrong_width_is_an_error():
    with pytest.raises(ValueError, match="a row of 1 values for 7 columns"):
        _write(_dataset([("zu kurz",)]))
