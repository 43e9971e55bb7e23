"""The download formats: every writer turns a registered dataset's rows into one file format.

- CSV: RFC 4180 (comma, CRLF, double quotes), UTF-8 without byte order mark, one header row with the column
  names, a decimal point in numbers, dates and times in ISO 8601. Text that a spreadsheet would run as a
  formula is quoted with an apostrophe (core.spreadsheets), as in the program report.
- JSON: an object with the dataset's metadata and ``rows``, one object per row keyed by column name.
- XLSX: one sheet, the column names as a bold header row; text is always written as a string cell (never a
  formula), numbers as numbers, dates as dates. XlsxWriter's ``constant_memory`` mode flushes every row to
  a temporary file, so a large dataset does not sit in memory.
- GeoJSON (RFC 7946): a FeatureCollection of the rows with a location, points as [longitude, latitude] in
  WGS84; every other column is a property.

Every writer writes into a binary file and returns the number of rows; publish.write runs them (in a task,
never in a web worker) in the data language. The rows are written while the database returns them, and each
value is converted by its column's type with a converter chosen once per download (``_cells``), so that a
row costs one call per value to convert and no type checks (decision 0012).
"""

import io
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from itertools import islice
from typing import IO, Any

import xlsxwriter
from django.utils import timezone

from smartregion.core.spreadsheets import spreadsheet_text

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


def _cells(dataset: Dataset, converters: dict[str, Convert], empty: Any = None) -> Callable[[Row], list[Any]]:
    """A function from a row to its cells in one format: each value converted by its column's type
    (``converters``; a type without a converter is written as it is), None as ``empty``."""
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
            values[index] = empty if value is None else convert(value)
        return values

    return cells


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


def _csv_list(value: Any) -> str:
    return _csv_text(_joined(value))


def _csv_number(value: Any) -> str:
    """A decimal point and no exponent: Decimal("1E+2") → "100"."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def csv_write(dataset: Dataset, output: IO[bytes]) -> int:
    """The dataset as RFC 4180 CSV."""
    cells = _cells(
        dataset,
        {
            TEXT: _csv_text,
            URL: _csv_text,
            NUMBER: _csv_number,
            INTEGER: str,
            LIST: _csv_list,
            DATE: date.isoformat,
            DATETIME: _local_iso(timezone.get_current_timezone()),
        },
        empty="",
    )
    count = 0
    with _text(output) as text:
        text.write(",".join(map(_csv_text, dataset.column_names)) + "\r\n")
        for row in dataset.rows():
            text.write(",".join(cells(row)) + "\r\n")
            count += 1
    return count


# --- JSON and GeoJSON ----------------------------------------------------------------------------------


def _json_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        # A JSON number; two decimal places of money survive float's 15 significant digits.
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    return value


def _json_list(value: Any) -> list[str]:
    return list(map(str, value))


def _json_cells(dataset: Dataset) -> Callable[[Row], list[Any]]:
    return _cells(
        dataset,
        {
            NUMBER: _json_number,
            LIST: _json_list,
            DATE: date.isoformat,
            DATETIME: _local_iso(timezone.get_current_timezone()),
        },
    )


# One encoder for everything written: json.dumps with options builds a new one per call.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# Objects encoded together, as one list: a call per object cost a tenth of the JSON writing.
JSON_BATCH = 500


def _json_items(text: IO[str], objects: Iterator[Any]) -> int:
    """The objects as the items of a JSON array (without its brackets); returns how many."""
    count = 0
    while batch := list(islice(objects, JSON_BATCH)):
        text.write(("," if count else "") + _encode(batch)[1:-1])
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
    with _text(output) as text:
        text.write(_encode(head)[:-1] + ',"rows":[')
        count = _json_items(text, (dict(zip(names, cells(row), strict=True)) for row in dataset.rows()))
        text.write("]}")
    return count


def geojson_write(dataset: Dataset, meta: dict[str, Any], output: IO[bytes]) -> int:
    """The rows with a location as an RFC 7946 FeatureCollection: [longitude, latitude] in WGS84; returns
    the number of features."""
    names = dataset.column_names
    lat_name, lon_name = dataset.point or ("latitude", "longitude")
    lat_index, lon_index = names.index(lat_name), names.index(lon_name)
    properties = [(index, name) for index, name in enumerate(names) if index not in (lat_index, lon_index)]
    indexes, keys = [index for index, _name in properties], [name for _index, name in properties]
    cells = _json_cells(dataset)

    def features() -> Iterator[dict[str, Any]]:
        for row in (dataset.located_rows or dataset.rows)():
            lat, lon = row[lat_index], row[lon_index]
            if lat is None or lon is None:
                continue
            values = cells(row)
            yield {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": dict(zip(keys, [values[index] for index in indexes], strict=True)),
            }

    with _text(output) as text:
        # RFC 7946 allows foreign members; the metadata goes into one, so the file says what it is.
        text.write(_encode({"type": "FeatureCollection", "metadata": meta})[:-1] + ',"features":[')
        count = _json_items(text, features())
        text.write("]}")
    return count


# --- XLSX ----------------------------------------------------------------------------------------------


def _naive_local(zone: tzinfo) -> Convert:
    """XlsxWriter wants naive datetimes: local time, as people read the dates on the site (as _local_iso)."""

    def naive(value: datetime) -> datetime:
        return value.astimezone(zone).replace(tzinfo=None)

    return naive


def xlsx_write(dataset: Dataset, title: str, output: IO[bytes]) -> int:
    """The dataset as an Excel workbook."""
    book = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False})
    book.set_properties({"title": title, "created": timezone.now().replace(tzinfo=None)})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1})
    sheet = book.add_worksheet(dataset.slug[:31])
    cells = _cells(
        dataset,
        {
            TEXT: str,
            URL: str,
            INTEGER: float,
            NUMBER: float,
            LIST: _joined,
            DATETIME: _naive_local(timezone.get_current_timezone()),
        },
    )
    # write_string, never write(): a text starting with "=" stays text, it is never a formula.
    by_type = {
        INTEGER: (sheet.write_number, None),
        NUMBER: (sheet.write_number, None),
        DATE: (sheet.write_datetime, book.add_format({"num_format": "yyyy-mm-dd"})),
        DATETIME: (sheet.write_datetime, book.add_format({"num_format": "yyyy-mm-dd hh:mm"})),
    }
    writes = [
        (index, *by_type.get(column.type, (sheet.write_string, None)))
        for index, column in enumerate(dataset.columns)
    ]
    for index, column in enumerate(dataset.columns):
        sheet.write_string(0, index, column.name, header)
        sheet.set_column(index, index, 14 if column.type in (INTEGER, NUMBER, DATE, DATETIME) else 30)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(dataset.rows(), start=1):
        values = cells(row)
        for index, write, cell_format in writes:
            value = values[index]
            if value is not None and value != "":
                write(count, index, value, cell_format)
    sheet.autofilter(0, 0, max(count, 1), len(writes) - 1)
    book.close()
    return count
