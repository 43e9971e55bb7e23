"""The download formats: every writer turns a registered dataset's rows into one file format.

- CSV: RFC 4180 (comma, CRLF, double quotes), UTF-8 without byte order mark, one header row with the column
  names, a decimal point in numbers, dates and times in ISO 8601. Text that a spreadsheet would run as a
  formula is quoted with an apostrophe (core.spreadsheets), as in the program report.
- JSON: an object with the dataset's metadata and ``rows``, one object per row keyed by column name.
- XLSX: one sheet, the column names as a bold header row that stays in view, an autofilter over the rows;
  text is always written as a string cell (never a formula), numbers as numbers, dates as dates. The
  SpreadsheetML is written here (see the XLSX section) and streamed into the zip, so a large dataset does
  not sit in memory.
- GeoJSON (RFC 7946): a FeatureCollection of the rows with a location, points as [longitude, latitude] in
  WGS84; every other column is a property.

Every writer writes into a binary file and returns the number of rows; publish.write runs them (in a task,
never in a web worker) in the data language. The rows are written while the database returns them, and each
value is converted by its column's type with a converter chosen once per download (JSON: ``_cells`` per row;
CSV and XLSX: a comprehension per column and batch of rows), so that a row costs no type checks (decision
0012).
"""

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from itertools import islice
from operator import is_not, itemgetter
from typing import IO, Any

import orjson
from django.utils import timezone

from smartregion.core.spreadsheets import FORMULA_PREFIXES, spreadsheet_text

from .datasets import DATE, DATETIME, INTEGER, LIST, LIST_SEPARATOR, NUMBER, TEXT, URL, Dataset, Row

# The data are German whatever the visitor's language: labels in the rows are written in German.
DATA_LANGUAGE = "de"


@dataclass(frozen=True)
class Format:
    """A download format: its name, media type and entry of the EU file-type vocabulary."""

    label: str
    media_type: str
    eu_file_type: str


FORMATS: dict[str, Format] = {
    "csv": Format("CSV", "text/csv", "CSV"),
    "json": Format("JSON", "application/json", "JSON"),
    "xlsx": Format("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "geojson": Format("GeoJSON", "application/geo+json", "GEOJSON"),
}


Convert = Callable[[Any], Any]


def _cells(dataset: Dataset, converters: dict[str, Convert]) -> Callable[[Row], list[Any]]:
    """A function from a row to its values in JSON: each value converted by its column's type
    (``converters``; a type without a converter is written as it is), None as it is."""
    width = len(dataset.columns)
    steps = [
        (index, converters[column.type])
        for index, column in enumerate(dataset.columns)
        if column.type in converters
    ]

    def cells(row: Row) -> list[Any]:
        values = list(row)
        if len(values) != width:
            raise ValueError(f"{dataset.slug}: a row of {len(values)} values for {width} columns")
        for index, convert in steps:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        return values

    return cells


# Rows written together: in CSV and XLSX each column's values in a batch are converted by one comprehension
# rather than by a call per value and row; JSON and GeoJSON encode a batch's objects as one list.
BATCH = 500


def _batches(dataset: Dataset, rows: Iterable[Row]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows in batches of BATCH, each batch as its columns: a tuple of values per column."""
    width = len(dataset.columns)
    remaining = iter(rows)
    while batch := list(islice(remaining, BATCH)):
        if (lengths := set(map(len, batch))) != {width}:
            raise ValueError(
                f"{dataset.slug}: a row of {(lengths - {width}).pop()} values for {width} columns"
            )
        yield list(zip(*batch, strict=True))


def _local_iso(zone: tzinfo) -> Convert:
    """ISO 8601 to the second in the site's time zone: timezone.localtime with the zone looked up once per
    download rather than per value; astimezone applies each value's own offset (summer or winter time)."""

    def iso(value: datetime) -> str:
        return value.astimezone(zone).isoformat(timespec="seconds")

    return iso


def _joined(value: Iterable[Any]) -> str:
    return LIST_SEPARATOR.join(map(str, value))


@contextmanager
def _text(output: IO[bytes]) -> Iterator[IO[str]]:
    """``output`` as UTF-8 text, buffered, and left open for the caller."""
    text = io.TextIOWrapper(output, encoding="utf-8", newline="")
    try:
        yield text
    finally:
        text.flush()
        text.detach()


# --- CSV -----------------------------------------------------------------------------------------------
# Written by hand rather than by csv.writer, which took 8 µs of a row's 20 µs (an idea with a paragraph of
# text): the same RFC 4180 quoting as its QUOTE_MINIMAL with "\r\n" (tested against it), of text fields
# only, as numbers, dates and times hold none of the characters that need quotes.


def _csv_text(value: Any) -> str:
    """Text as a CSV field: quoted with an apostrophe when a spreadsheet would run it as a formula, in
    double quotes (doubled inside) when it holds a comma, a double quote or a line break."""
    text = spreadsheet_text(str(value))
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


# What makes a text need care: a character that needs quotes, or a formula's sign first (after \0, which
# starts every text of a batch's probe; a \0 inside a text can only raise a false alarm: the care).
_CSV_CAREFUL = ('"', ",", "\n", "\r", *("\0" + sign for sign in FORMULA_PREFIXES))


def _csv_texts(convert: Convert) -> Callable[[Sequence[Any]], list[str]]:
    """A text column's fields in a batch: checked together by a few substring searches, as almost no code,
    label or address needs care, and made safe one by one (_csv_text) when one may."""

    def fields(values: Sequence[Any]) -> list[str]:
        texts = ["" if value is None else convert(value) for value in values]
        probe = "\0" + "\0".join(texts)
        return list(map(_csv_text, texts)) if any(mark in probe for mark in _CSV_CAREFUL) else texts

    return fields


def _csv_values(convert: Convert) -> Callable[[Sequence[Any]], list[str]]:
    """Numbers, dates and times hold no character that needs quotes."""
    return lambda values: ["" if value is None else convert(value) for value in values]


def _csv_number(value: Any) -> str:
    """A decimal point and no exponent: Decimal("1E+2") → "100"."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def csv_write(dataset: Dataset, output: IO[bytes]) -> int:
    """The dataset as RFC 4180 CSV."""
    by_type = {
        TEXT: _csv_texts(str),
        URL: _csv_texts(str),
        LIST: _csv_texts(_joined),
        NUMBER: _csv_values(_csv_number),
        INTEGER: _csv_values(str),
        DATE: _csv_values(date.isoformat),
        DATETIME: _csv_values(_local_iso(timezone.get_current_timezone())),
    }
    columns = [by_type[column.type] for column in dataset.columns]
    count = 0
    with _text(output) as text:
        text.write(",".join(map(_csv_text, dataset.column_names)) + "\r\n")
        for batch in _batches(dataset, dataset.rows()):
            fields = [column(values) for column, values in zip(columns, batch, strict=True)]
            text.write("\r\n".join(map(",".join, zip(*fields, strict=True))) + "\r\n")
            count += len(batch[0])
    return count


# --- JSON and GeoJSON ----------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    """What orjson cannot write itself: a Decimal as a JSON number (two decimal places of money survive
    float's 15 significant digits)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _json_list(value: Any) -> list[str]:
    return list(map(str, value))


def _json_cells(dataset: Dataset) -> Callable[[Row], list[Any]]:
    # orjson writes dates, and aware datetimes to the second with their offset, as isoformat does.
    zone = timezone.get_current_timezone()
    return _cells(dataset, {LIST: _json_list, DATETIME: lambda value: value.astimezone(zone)})


def _json(value: Any) -> bytes:
    """Compact UTF-8 JSON by orjson, which wrote the rows four times as fast as the json module."""
    return orjson.dumps(value, default=_json_default, option=orjson.OPT_OMIT_MICROSECONDS)


def _json_items(output: IO[bytes], objects: Iterator[Any]) -> int:
    """The objects as the items of a JSON array (without its brackets), encoded BATCH at a time as one list
    (a call per object cost a tenth of the writing); returns how many."""
    count = 0
    while batch := list(islice(objects, BATCH)):
        output.write((b"," if count else b"") + _json(batch)[1:-1])
        count += len(batch)
    return count


def json_write(dataset: Dataset, meta: dict[str, Any], output: IO[bytes]) -> int:
    """The dataset as one JSON object: ``meta`` first, then ``rows``, one object per row."""
    head = {
        **meta,
        "columns": [
            {"name": c.name, "type": c.type, "description": str(c.description)} for c in dataset.columns
        ],
    }
    cells = _json_cells(dataset)
    names = dataset.column_names
    output.write(_json(head)[:-1] + b',"rows":[')
    count = _json_items(output, (dict(zip(names, cells(row), strict=True)) for row in dataset.rows()))
    output.write(b"]}")
    return count


def geojson_write(dataset: Dataset, meta: dict[str, Any], output: IO[bytes]) -> int:
    """The rows with a location as an RFC 7946 FeatureCollection: [longitude, latitude] in WGS84; returns
    the number of features."""
    names = dataset.column_names
    lat_name, lon_name = dataset.point or ("latitude", "longitude")
    lat_index, lon_index = names.index(lat_name), names.index(lon_name)
    kept = [index for index in range(len(names)) if index not in (lat_index, lon_index)]
    keys, properties = [names[index] for index in kept], itemgetter(*kept)
    cells = _json_cells(dataset)

    def features() -> Iterator[dict[str, Any]]:
        for row in (dataset.located_rows or dataset.rows)():
            lat, lon = row[lat_index], row[lon_index]
            if lat is None or lon is None:
                continue
            yield {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": dict(zip(keys, properties(cells(row)), strict=True)),
            }

    # RFC 7946 allows foreign members; the metadata goes into one, so the file says what it is.
    output.write(_json({"type": "FeatureCollection", "metadata": meta})[:-1] + b',"features":[')
    count = _json_items(output, features())
    output.write(b"]}")
    return count


# --- XLSX ----------------------------------------------------------------------------------------------
# Written by hand rather than by XlsxWriter, which spent about 9 µs per cell in its own Python code (decision
# 0012): the SpreadsheetML parts of one sheet, each row one string of cells from templates chosen per column
# once, streamed into a deflated zip entry. Text as strings (never formulas): shared where a column repeats a
# few texts, as Excel writes them, otherwise inline as XlsxWriter's constant_memory mode did; numbers as
# numbers, dates as Excel's serial days.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    f'{_HEAD}<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELATIONSHIPS = (
    f'{_HEAD}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE}/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>'
)
_WORKBOOK_RELATIONSHIPS = (
    f'{_HEAD}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# Cell styles (cellXfs): 0 default, 1 the header (bold, light blue, a line below), 2 a date, 3 date and time.
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/>'
    '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="3">'
    '<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF4"/><bgColor indexed="64"/></patternFill>'
    '</fill></fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border>'
    '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
# Excel's serial days count from 1899-12-31 as day 1 and hold a 29 February 1900 (day 60) that never was.
_EXCEL_EPOCH_DAY = date(1899, 12, 31).toordinal()
# Characters XML 1.0 does not allow (and U+FFFE, U+FFFF): Excel writes them as _xHHHH_, and a literal
# "_xHHHH_" with its underscore escaped, _x005F_xHHHH_ (as XlsxWriter does).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
# The most characters a cell holds in Excel.
EXCEL_TEXT_MAX = 32767
# Column types written as numbers: a narrower column.
NUMERIC = (INTEGER, NUMBER, DATE, DATETIME)
# Deflate's fastest level: the sheet's markup repeats, so it still shrinks about tenfold.
XLSX_COMPRESSION = 1


def _xml_text(text: str) -> str:
    """Text as an element's content: & < > escaped, characters XML does not allow as Excel's _xHHHH_."""
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    if not text.isprintable():
        text = _XML_ILLEGAL.sub(lambda match: f"_x{ord(match[0]):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column_letters(index: int) -> str:
    """A column's letters in A1 references: 0 → "A", 27 → "AB"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# A column's cells in a batch of rows: from its values and the rows' numbers, each cell's XML ("" for no
# value, as an empty cell is left out). A comprehension per column and batch rather than a call per cell.
ColumnCells = Callable[[Sequence[Any], list[str]], list[str]]


# Shared strings: a batch's texts in a column with few distinct values (codes, labels, places) are written
# once into the workbook's table of strings and referred to by number, as Excel does; other texts inline.
# A column's batch shares when it holds at most one distinct text in SHARED_RATIO; the table stops growing
# at SHARED_MAX texts, so its memory stays bounded however many rows there are.
SHARED_RATIO = 10
SHARED_MAX = 10_000
Shared = dict[str, int]


def _text_cells(letters: str, shared: Shared, style: str = "", convert: Convert = str) -> ColumnCells:
    def cells(values: Sequence[Any], rows: list[str]) -> list[str]:
        texts = ["" if value is None else convert(value) for value in values]
        if max(map(len, texts)) > EXCEL_TEXT_MAX:  # Excel's limit; XlsxWriter cut longer texts too
            texts = [text[:EXCEL_TEXT_MAX] for text in texts]
        # Checked together, as almost no text needs escaping or keeps spaces at its edges; escaped one by
        # one when one does (joined, the texts can only seem to need it: an "_x" across two of them).
        probe = "".join(texts)
        if "&" in probe or "<" in probe or ">" in probe or "_x" in probe or not probe.isprintable():
            texts = list(map(_xml_text, texts))
        distinct = dict.fromkeys(texts)  # in the order they come, so that the same rows give the same file
        if len(distinct) * SHARED_RATIO <= len(texts) and len(shared) + len(distinct) <= SHARED_MAX:
            for text in distinct:
                shared.setdefault(text, len(shared))
            return [
                f'<c r="{letters}{row}"{style} t="s"><v>{shared[text]}</v></c>' if text else ""
                for text, row in zip(texts, rows, strict=True)
            ]
        # Whitespace at a text's start or end needs xml:space="preserve", or a reader may trim it: asked of
        # the batch at once (strip returns the very text when there is nothing to strip).
        space = ' xml:space="preserve"' if any(map(is_not, texts, map(str.strip, texts))) else ""
        return [
            f'<c r="{letters}{row}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>' if text else ""
            for text, row in zip(texts, rows, strict=True)
        ]

    return cells


def _shared_strings(shared: Shared) -> str:
    """The workbook's table of shared strings (the texts are escaped already)."""
    items = "".join(
        f'<si><t xml:space="preserve">{text}</t></si>' if text != text.strip() else f"<si><t>{text}</t></si>"
        for text in shared
    )
    return f'{_HEAD}<sst xmlns="{_MAIN}" uniqueCount="{len(shared)}">{items}</sst>'


def _value_cells(letters: str, convert: Convert, style: str = "") -> ColumnCells:
    """Numbers, dates and times: ``convert`` gives the value's text in the cell."""

    def cells(values: Sequence[Any], rows: list[str]) -> list[str]:
        return [
            "" if value is None else f'<c r="{letters}{row}"{style}><v>{convert(value)}</v></c>'
            for value, row in zip(values, rows, strict=True)
        ]

    return cells


def _number_text(value: Any) -> str:
    """A decimal as the shortest text of its float (Excel holds doubles)."""
    return repr(float(value))


def _excel_day(value: date) -> int:
    serial = value.toordinal() - _EXCEL_EPOCH_DAY
    return serial + 1 if serial > 59 else serial


def _excel_moment(zone: tzinfo) -> Convert:
    """Dates and times in the site's zone (as _local_iso), each value with its own offset (summer or winter
    time), as Excel's serial day with the time of day as its fraction, computed as XlsxWriter did."""

    def serial(value: datetime) -> str:
        local = value.astimezone(zone)
        seconds = local.hour * 3600 + local.minute * 60 + local.second
        day = local.toordinal() - _EXCEL_EPOCH_DAY + (seconds + local.microsecond / 1e6) / 86400
        return f"{day + 1 if day > 59 else day:.16G}"

    return serial


def _xlsx_columns(dataset: Dataset, shared: Shared) -> list[ColumnCells]:
    by_type: dict[str, tuple[Convert, str]] = {
        INTEGER: (str, ""),
        NUMBER: (_number_text, ""),
        DATE: (_excel_day, ' s="2"'),
        DATETIME: (_excel_moment(timezone.get_current_timezone()), ' s="3"'),
    }
    columns: list[ColumnCells] = []
    for index, column in enumerate(dataset.columns):
        letters = _column_letters(index)
        if column.type in by_type:
            columns.append(_value_cells(letters, *by_type[column.type]))
        else:
            columns.append(_text_cells(letters, shared, convert=_joined if column.type == LIST else str))
    return columns


def _xlsx_sheet(dataset: Dataset, sheet: IO[str], last: str, shared: Shared) -> int:
    """The sheet's XML with the rows, its shared texts added to ``shared``; returns how many rows."""
    # Widths in characters with Excel's margin of a cell, as Excel (and XlsxWriter) write them.
    widths = "".join(
        f'<col min="{n}" max="{n}" width="{14 if column.type in NUMERIC else 30}.7109375" customWidth="1"/>'
        for n, column in enumerate(dataset.columns, start=1)
    )
    header = "".join(
        _text_cells(_column_letters(index), shared, ' s="1"')([name], ["1"])[0]
        for index, name in enumerate(dataset.column_names)
    )
    sheet.write(
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheetViews>'
        '<sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft"/></sheetView></sheetViews><cols>{widths}</cols>'
        f'<sheetData><row r="1">{header}</row>'
    )
    columns = _xlsx_columns(dataset, shared)
    count = 0
    for batch in _batches(dataset, dataset.rows()):
        size = len(batch[0])
        numbers = list(map(str, range(count + 2, count + 2 + size)))  # row 1 is the header
        cells = [column(values, numbers) for column, values in zip(columns, batch, strict=True)]
        sheet.write(
            "".join(
                f'<row r="{number}">{"".join(row)}</row>'
                for number, row in zip(numbers, zip(*cells, strict=True), strict=True)
            )
        )
        count += size
    # The filter over the header and the rows (with no rows, the row below the header: a range of one row
    # holds no data to filter).
    sheet.write(f'</sheetData><autoFilter ref="A1:{last}{max(count, 1) + 1}"/></worksheet>')
    return count


def xlsx_write(dataset: Dataset, title: str, output: IO[bytes]) -> int:
    """The dataset as an Excel workbook of one sheet: the column names as a bold header row that stays in
    view, an autofilter over the rows."""
    name = dataset.slug[:31]
    quoted = "'" + name.replace("'", "''") + "'"  # in a reference to the sheet
    last = _column_letters(len(dataset.columns) - 1)
    created = timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    shared: Shared = {}
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=XLSX_COMPRESSION) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELATIONSHIPS)
        book.writestr(
            "docProps/core.xml",
            f'{_HEAD}<cp:coreProperties xmlns:cp="{_PACKAGE}/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_xml_text(title)}</dc:title>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified></cp:coreProperties>',
        )
        with book.open("xl/worksheets/sheet1.xml", "w") as entry, _text(entry) as sheet:
            count = _xlsx_sheet(dataset, sheet, last, shared)
        book.writestr("xl/sharedStrings.xml", _shared_strings(shared))
        book.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
            f'<bookViews><workbookView/></bookViews><sheets><sheet name="{_xml_text(name)}" sheetId="1" '
            'r:id="rId1"/></sheets><definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
            f'hidden="1">{_xml_text(quoted)}!$A$1:${last}${max(count, 1) + 1}</definedName></definedNames>'
            "</workbook>",
        )
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELATIONSHIPS)
        book.writestr("xl/styles.xml", _STYLES)
    return count
