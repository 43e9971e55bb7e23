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

CSV, JSON and GeoJSON are streamed: the rows are written while the database returns them.
"""

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.utils import timezone, translation

from smartregion.core.spreadsheets import spreadsheet_text

from .datasets import DATE, DATETIME, INTEGER, LIST, LIST_SEPARATOR, NUMBER, Dataset, Row

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


def _iso(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _decimal_text(value: Decimal) -> str:
    """A decimal point and no exponent: Decimal("1E+2") → "100"."""
    return format(value, "f")


def _rows_in_german(dataset: Dataset) -> Iterator[Row]:
    """The dataset's rows with labels in German. A streamed response runs this after the view returned,
    so the language is switched for each row only, never while the generator waits between rows."""
    rows = dataset.rows()
    while True:
        with translation.override(DATA_LANGUAGE):
            row = next(rows, None)
        if row is None:
            return
        yield row


# --- CSV -----------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the text, so that csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == LIST:
        return spreadsheet_text(LIST_SEPARATOR.join(str(item) for item in value))
    if kind in (DATE, DATETIME):
        return _iso(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if kind in (INTEGER, NUMBER):
        return value
    return spreadsheet_text(str(value))


def csv_chunks(dataset: Dataset) -> Iterator[str]:
    """The dataset as RFC 4180 CSV, one line at a time."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    kinds = [column.type for column in dataset.columns]
    yield writer.writerow(dataset.column_names)
    for row in _rows_in_german(dataset):
        yield writer.writerow([_csv_cell(value, kind) for value, kind in zip(row, kinds, strict=True)])


# --- JSON and GeoJSON ----------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        # A JSON number; two decimal places of money survive float's 15 significant digits.
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, (date, datetime)):
        return _iso(value)
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_chunks(dataset: Dataset, meta: dict[str, Any]) -> Iterator[str]:
    """The dataset as one JSON object: ``meta`` first, then ``rows`` written one by one."""
    head = {
        **meta,
        "columns": [
            {"name": c.name, "type": c.type, "description": str(c.description)} for c in dataset.columns
        ],
    }
    yield _dumps(head)[:-1] + ',"rows":['
    names = dataset.column_names
    separator = ""
    for row in _rows_in_german(dataset):
        yield separator + _dumps({name: _json_value(value) for name, value in zip(names, row, strict=True)})
        separator = ","
    yield "]}"


def _point(value: Any) -> float:
    return float(value)


def geojson_chunks(dataset: Dataset, meta: dict[str, Any]) -> Iterator[str]:
    """The rows with a location as an RFC 7946 FeatureCollection: [longitude, latitude] in WGS84."""
    names = dataset.column_names
    lat_name, lon_name = dataset.point or ("latitude", "longitude")
    lat_index, lon_index = names.index(lat_name), names.index(lon_name)
    properties = [(index, name) for index, name in enumerate(names) if index not in (lat_index, lon_index)]
    # RFC 7946 allows foreign members; the metadata goes into one, so the file says what it is.
    yield _dumps({"type": "FeatureCollection", "metadata": meta})[:-1] + ',"features":['
    separator = ""
    for row in _rows_in_german(dataset):
        lat, lon = row[lat_index], row[lon_index]
        if lat is None or lon is None:
            continue
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [_point(lon), _point(lat)]},
            "properties": {name: _json_value(row[index]) for index, name in properties},
        }
        yield separator + _dumps(feature)
        separator = ","
    yield "]}"


# --- XLSX ----------------------------------------------------------------------------------------------


def _naive_local(value: date | datetime) -> datetime:
    """XlsxWriter wants naive datetimes: local time, as people read the dates on the site."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return datetime.combine(value, datetime.min.time())


def xlsx_file(dataset: Dataset, title: str) -> IO[bytes]:
    """The dataset as an Excel workbook in a temporary file, rewound for reading."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it when it is sent)
    xlsx_write(dataset, title, output)
    output.seek(0)
    return output


def xlsx_write(dataset: Dataset, title: str, output: IO[bytes]) -> int:
    """Write the dataset as an Excel workbook into ``output``; returns the number of rows."""
    book = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False})
    book.set_properties({"title": title, "created": timezone.now().replace(tzinfo=None)})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet = book.add_worksheet(dataset.slug[:31])
    kinds = [column.type for column in dataset.columns]
    for index, name in enumerate(dataset.column_names):
        sheet.write_string(0, index, name, header)
        sheet.set_column(index, index, 14 if kinds[index] in (INTEGER, NUMBER, DATE, DATETIME) else 30)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(_rows_in_german(dataset), start=1):
        _write_row(sheet, count, row, kinds, (date_format, datetime_format))
    sheet.autofilter(0, 0, max(count, 1), len(kinds) - 1)
    book.close()
    return count


def _write_row(
    sheet: Any, number: int, row: Iterable[Any], kinds: list[str], formats: tuple[Any, Any]
) -> None:
    day, moment = formats
    for column, (value, kind) in enumerate(zip(row, kinds, strict=True)):
        if value is None or value in ("", []):
            continue
        if kind == DATE:
            sheet.write_datetime(number, column, _naive_local(value), day)
        elif kind == DATETIME:
            sheet.write_datetime(number, column, _naive_local(value), moment)
        elif kind in (INTEGER, NUMBER):
            sheet.write_number(number, column, float(value))
        elif kind == LIST:
            sheet.write_string(number, column, LIST_SEPARATOR.join(str(item) for item in value))
        else:
            # write_string, never write(): a text starting with "=" stays text, it is never a formula.
            sheet.write_string(number, column, str(value))
