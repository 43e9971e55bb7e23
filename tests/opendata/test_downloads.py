"""Every dataset in every format: it parses, holds what the public pages show and nothing else, streams in
a fixed number of queries, and guards spreadsheets against formulas."""

import csv
import datetime
import io
import json
import shutil
import zipfile
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from smartregion.opendata import publish
from smartregion.opendata.datasets import DATASETS, dataset_get
from smartregion.participation import selectors as participation
from smartregion.participation import services as participation_services
from smartregion.participation.models import Idea, IdeaStatus
from smartregion.strategy.selectors import measure_list

from ..factories import UserFactory
from ..participation.factories import DomainFactory, IdeaFactory
from ..personal_data import readable_text
from .conftest import NOT_PUBLIC, fill_measure

EXCEL_EPOCH = datetime.datetime(1899, 12, 30, tzinfo=datetime.UTC)
CASES = [(dataset.slug, fmt) for dataset in DATASETS for fmt in dataset.formats]


def _get(client, slug: str, fmt: str, **headers):
    return client.get(reverse("opendata:download", kwargs={"slug": slug, "fmt": fmt}), **headers)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_rows(response) -> list[dict[str, str]]:
    text = _body(response).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _column(reference: str) -> int:
    """The column index of a cell reference: "A7" → 0, "AB7" → 27."""
    index = 0
    for letter in reference.rstrip("0123456789"):
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _xlsx_rows(response) -> list[list[str]]:
    """The first sheet's cells as text (shared strings resolved), row by row; an empty cell as ""."""
    book = zipfile.ZipFile(io.BytesIO(_body(response)))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    strings = []
    if "xl/sharedStrings.xml" in book.namelist():
        shared = ET.fromstring(book.read("xl/sharedStrings.xml"))  # noqa: S314 (our own file)
        for item in shared.findall("m:si", ns):
            strings.append("".join(node.text or "" for node in item.iter(f"{{{ns['m']}}}t")))
    sheet = ET.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314 (our own file)
    rows = []
    for row in sheet.find("m:sheetData", ns).findall("m:row", ns):
        cells: list[str] = []
        for cell in row.findall("m:c", ns):
            cells += [""] * (_column(cell.get("r")) - len(cells))
            if cell.get("t") == "inlineStr":  # formats.xlsx_write writes strings inline
                cells.append("".join(node.text or "" for node in cell.iter(f"{{{ns['m']}}}t")))
                continue
            value = cell.find("m:v", ns)
            text = "" if value is None else value.text or ""
            cells.append(strings[int(text)] if cell.get("t") == "s" else text)
        rows.append(cells)
    return rows


@pytest.mark.parametrize(("slug", "fmt"), CASES)
def test_every_dataset_parses_in_every_format(client, public_data, slug, fmt):
    dataset = dataset_get(slug)
    response = _get(client, slug, fmt)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{slug}.{fmt}"'
    assert response["ETag"].startswith(f'"{slug}-{fmt}-')
    assert response["Last-Modified"]
    assert response["Access-Control-Allow-Origin"] == "*"
    if fmt == "csv":
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        body = _body(response)
        assert not body.startswith("\ufeff".encode())
        header = body.split(b"\r\n", 1)[0].decode()
        assert header == ",".join(dataset.column_names)
        assert _csv_rows(_get(client, slug, fmt))
    elif fmt == "json":
        data = json.loads(_body(response))
        assert data["dataset"] == slug
        assert data["license"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
        assert [column["name"] for column in data["columns"]] == dataset.column_names
        assert data["rows"]
        assert all(list(row) == dataset.column_names for row in data["rows"])
    elif fmt == "geojson":
        assert response["Content-Type"].startswith("application/geo+json")
        data = json.loads(_body(response))
        assert data["type"] == "FeatureCollection"
        assert data["features"]
        for feature in data["features"]:
            assert feature["type"] == "Feature"
            assert feature["geometry"]["type"] == "Point"
            lon, lat = feature["geometry"]["coordinates"]
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90
            assert "latitude" not in feature["properties"]
    else:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = _xlsx_rows(response)
        assert rows[0] == dataset.column_names
        assert len(rows) > 1


def test_geojson_puts_longitude_first(client, public_data):
    data = json.loads(_body(_get(client, "ideen", "geojson")))

    (feature,) = data["features"]  # only the idea with a location
    assert feature["geometry"]["coordinates"] == [7.4, 50.433]
    assert feature["properties"]["title"] == "Radweg am Rhein"
    assert feature["properties"]["id"] == public_data["located"].pk
    kommunen = json.loads(_body(_get(client, "kommunen", "geojson")))
    assert kommunen["features"][0]["geometry"]["coordinates"] == [7.4, 50.35]


def test_idea_rows_match_the_public_idea_list(client, public_data):
    rows = _csv_rows(_get(client, "ideen", "csv"))

    public = participation.idea_list(viewer=AnonymousUser(), filters=participation.IdeaFilters())
    expected = {idea.pk for idea in public if idea.status != IdeaStatus.MERGED}
    assert {int(row["id"]) for row in rows} == expected
    assert len(rows) == 3
    located = next(row for row in rows if row["title"] == "Radweg am Rhein")
    assert (located["latitude"], located["longitude"]) == ("50.43300", "7.40000")
    assert located["status_label"] == "Veröffentlicht"
    assert located["url"].endswith(public_data["located"].get_absolute_url())
    assert located["municipality"] == "Andernach"
    plain = next(row for row in rows if row["title"] == "Mehr Fahrradständer")
    assert plain["latitude"] == plain["longitude"] == ""


def test_idea_rows_hold_what_the_orm_reads(public_data):
    """The idea rows are read with a plain cursor and converters of their own (decision 0012): every value
    is the ORM's, of the same type, whatever the database (a whole degree, a moment with microseconds)."""
    first, second = DomainFactory(name="Zuerst", position=1), DomainFactory(name="Danach", position=2)
    IdeaFactory(
        process=public_data["process"],
        title="Ganze Grade",
        latitude=Decimal("50.00000"),
        longitude=Decimal("-7.00001"),
        published_at=datetime.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=datetime.UTC),
        domains=[second, first],
    )
    dataset = dataset_get("ideen")
    names = dataset.column_names
    read = {row[0]: dict(zip(names, row, strict=True)) for row in dataset.rows()}
    located = {row[0]: dict(zip(names, row, strict=True)) for row in dataset.located_rows()}

    fields = ("pk", "published_at", "latitude", "longitude", "support_count", "process__slug")
    expected = Idea.objects.filter(pk__in=read).values_list(*fields)
    assert len(expected) == len(read) == 4
    for pk, published, latitude, longitude, supports, process in expected:
        row = read[pk]
        assert (row["published"], row["latitude"], row["longitude"]) == (published, latitude, longitude)
        assert (row["supports"], row["process"]) == (supports, process)
        assert row["published"].utcoffset() == datetime.timedelta(0)
        for degrees in (row["latitude"], row["longitude"]):
            assert degrees is None or (type(degrees), degrees.as_tuple().exponent) == (Decimal, -5)
        assert (pk in located) == (latitude is not None)
    whole = next(row for row in read.values() if row["title"] == "Ganze Grade")
    assert (str(whole["latitude"]), str(whole["longitude"])) == ("50.00000", "-7.00001")
    assert whole["published"].microsecond == 123456
    assert whole["domains"] == ["Zuerst", "Danach"]  # in the domains' order
    assert located[whole["id"]] == whole


def test_measure_rows_match_the_public_strategy(client, public_data):
    rows = _csv_rows(_get(client, "massnahmen", "csv"))

    assert [int(row["id"]) for row in rows] == [m.pk for m in measure_list(viewer=AnonymousUser())]
    (row,) = rows
    assert row["title"] == "Mitfahrbänke mit digitaler Anzeige"
    assert (row["planned"], row["committed"], row["spent"]) == ("30.00", "0.00", "0.00")
    assert (row["milestones"], row["milestones_reached"], row["progress"]) == ("2", "1", "50")
    assert row["municipalities"] == "Andernach"
    assert row["goal"] == "Mobil im ländlichen Raum"


def test_budget_milestones_and_indicators_only_of_published_measures(client, public_data):
    measure = public_data["measure"]
    budget = _csv_rows(_get(client, "budget", "csv"))
    milestones = _csv_rows(_get(client, "meilensteine", "csv"))
    indicators = _csv_rows(_get(client, "kennzahlen", "csv"))
    values = _csv_rows(_get(client, "kennzahl-werte", "csv"))

    for rows in (budget, milestones, indicators, values):
        assert {int(row["measure_id"]) for row in rows} == {measure.pk}
    assert sorted(row["funding_source"] for row in budget) == ["Bund", "Eigenanteil"]
    assert {row["status"] for row in milestones} == {"done", "overdue"}
    assert {row["status_label"] for row in milestones} == {"erreicht", "überfällig"}
    assert indicators[0]["latest_value"] == "3.50"
    assert values[0]["value"] == "3.50"
    assert values[0]["source"] == "Zählung"


def test_json_writes_numbers_lists_and_iso_dates(client, public_data):
    data = json.loads(_body(_get(client, "massnahmen", "json")))

    (row,) = data["rows"]
    assert row["planned"] == 30
    assert row["domains"] == ["Mobilität"]
    assert row["updated"][:4].isdigit()
    assert "T" in row["updated"]
    values = json.loads(_body(_get(client, "kennzahl-werte", "json")))["rows"]
    assert values[0]["value"] == 3.5


@pytest.mark.parametrize(("slug", "fmt"), CASES)
def test_nothing_hidden_merged_or_unpublished(client, public_data, slug, fmt):
    text = readable_text(_get(client, slug, fmt))

    for title in NOT_PUBLIC:
        assert title not in text


@pytest.fixture
def twenty_more(public_data, program, make_measure, office):
    """Adds 20 ideas with a location and 20 measures with budget, milestones and indicators."""

    def add() -> None:
        for n in range(20):
            IdeaFactory(
                process=public_data["process"],
                latitude=Decimal("50.4"),
                longitude=Decimal("7.3"),
                title=f"Neu {n}",
            )
            fill_measure(
                make_measure(title=f"Weitere Maßnahme {n}"), office, program, year=2027, title=f"M {n}"
            )

    return add


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "geojson"])
def test_query_count_does_not_grow_with_rows(client, twenty_more, fmt, opendata_root):
    def count() -> dict[str, int]:
        # Every file written again (opendata/publish.py), so that the writing's queries are counted too.
        shutil.rmtree(opendata_root, ignore_errors=True)
        counts = {}
        for dataset in (d for d in DATASETS if fmt in d.formats):
            with CaptureQueriesContext(connection) as queries:
                response = _get(client, dataset.slug, fmt)
                _body(response)
            counts[dataset.slug] = len(queries)
        return counts

    before = count()
    twenty_more()

    assert count() == before


def test_spreadsheets_do_not_run_formulas(client, public_data):
    IdeaFactory(process=public_data["process"], title='=HYPERLINK("http://evil.example","klick")')
    IdeaFactory(process=public_data["process"], title="+49 Telefon als Titel")

    rows = _csv_rows(_get(client, "ideen", "csv"))
    titles = {row["title"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example","klick")' in titles
    assert "'+49 Telefon als Titel" in titles
    # Numbers stay numbers: a negative amount is not text.
    book = zipfile.ZipFile(io.BytesIO(_body(_get(client, "ideen", "xlsx"))))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert any(
        '=HYPERLINK("http://evil.example","klick")' in cell
        for row in _xlsx_rows(_get(client, "ideen", "xlsx"))
        for cell in row
    )


def test_etag_answers_not_modified_until_the_data_change(client, public_data):
    first = _get(client, "ideen", "csv")
    etag = first["ETag"]

    again = _get(client, "ideen", "csv", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag

    IdeaFactory(process=public_data["process"], title="Noch eine Idee")
    changed = _get(client, "ideen", "csv", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_etag_changes_with_supports(client, public_data):
    """Supports change a counter without touching the idea's timestamp; the ETag still changes."""
    etag = _get(client, "ideen", "json")["ETag"]
    idea = participation.idea_get_for_action(pk=public_data["plain"].pk)
    assert participation_services.support_add(user=UserFactory(), idea=idea)

    assert _get(client, "ideen", "json", HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize(("slug", "fmt"), [("unbekannt", "csv"), ("massnahmen", "geojson"), ("ideen", "pdf")])
def test_unknown_dataset_or_format_is_not_found(client, public_data, slug, fmt):
    assert _get(client, slug, fmt).status_code == 404


def test_head_is_answered_for_harvesters(client, public_data):
    response = client.head(reverse("opendata:download", kwargs={"slug": "ideen", "fmt": "xlsx"}))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ideen.xlsx"'
    assert client.head(reverse("opendata:catalog")).status_code == 200


def test_downloads_are_read_only(client, public_data):
    url = reverse("opendata:download", kwargs={"slug": "ideen", "fmt": "csv"})

    assert client.post(url).status_code == 405


def _serial(*wall_clock: int) -> float:
    """Excel's serial day of a wall-clock time: days since 1899-12-30 (both in one zone, UTC, to subtract)."""
    return (datetime.datetime(*wall_clock, tzinfo=datetime.UTC) - EXCEL_EPOCH) / datetime.timedelta(days=1)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_times_are_local_in_summer_and_winter(client, public_data, fmt):
    """The database's UTC times are written in the site's zone, each with its own offset."""
    summer = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 1, 15, 10, 0, tzinfo=datetime.UTC)
    Idea.objects.filter(pk=public_data["located"].pk).update(published_at=summer)
    Idea.objects.filter(pk=public_data["plain"].pk).update(published_at=winter)

    response = _get(client, "ideen", fmt)
    if fmt == "csv":
        published = {row["title"]: row["published"] for row in _csv_rows(response)}
    elif fmt == "json":
        published = {row["title"]: row["published"] for row in json.loads(_body(response))["rows"]}
    else:
        header, *rows = _xlsx_rows(response)
        title, moment = header.index("title"), header.index("published")
        published = {row[title]: float(row[moment]) for row in rows}
    if fmt == "xlsx":  # Excel's serial days of the local wall-clock time
        second = 1 / 86400
        assert published["Radweg am Rhein"] == pytest.approx(_serial(2026, 7, 1, 12), abs=second)
        assert published["Mehr Fahrradständer"] == pytest.approx(_serial(2026, 1, 15, 11), abs=second)
    else:
        assert published["Radweg am Rhein"] == "2026-07-01T12:00:00+02:00"
        assert published["Mehr Fahrradständer"] == "2026-01-15T11:00:00+01:00"


def test_csv_is_quoted_as_the_csv_module_quotes(client, public_data):
    """The CSV is written by hand (formats.py): every byte as csv.writer would write the same fields."""
    process = public_data["process"]
    IdeaFactory(process=process, title='Komma, "Zitat" und\nUmbruch', body="Eins\r\nzwei, drei")
    IdeaFactory(process=process, title="-Minus, zuerst")

    body = _body(_get(client, "ideen", "csv")).decode()
    rows = list(csv.reader(io.StringIO(body, newline="")))
    again = io.StringIO(newline="")
    csv.writer(again, lineterminator="\r\n").writerows(rows)
    assert again.getvalue() == body
    titles = {row[1]: row[2] for row in rows}
    assert titles['Komma, "Zitat" und\nUmbruch'] == "Eins\r\nzwei, drei"
    assert "'-Minus, zuerst" in titles


def test_files_are_german_whatever_language_starts_the_writing(public_data):
    with translation.override("en"):
        published, rows = publish.write(dataset_get("ideen"), "json")

    data = json.loads(published.path.read_bytes())
    assert rows == len(data["rows"]) == 3
    assert data["title"] == "Ideen"
    assert {row["status_label"] for row in data["rows"]} == {"Veröffentlicht"}
