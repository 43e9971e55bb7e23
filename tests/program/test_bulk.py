"""Bulk update (program/bulk.py): export as XLSX, edit, import with a preview; all or nothing; German
errors by sheet, row and column; the same file twice changes nothing the second time; only the office."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from smartregion.program import bulk
from smartregion.program.models import IndicatorValue, Milestone
from smartregion.strategy.models import Domain, Measure, MeasureEvent, MeasureStatus

from ..participation.public_support import german, text_of
from ..strategy.test_pages import TODAY, World, build_measure, make_sources, make_strategy

URL = "/programm/massnahmen-tabelle/"


@pytest.fixture
def office(make_person):
    return make_person("program_office")


@pytest.fixture
def measure(office, municipality, db):
    domain = Domain.objects.create(name="Mobilität", slug="mobilitaet")
    world = World(office, make_strategy(), [domain], make_sources(), municipality)
    return build_measure(world, title="Mitfahrbänke")


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _edited(office, measure) -> bytes:
    """The export with a new status, a progress by hand, a milestone reached and a new indicator value."""
    book = _book(bulk.export_xlsx(actor=office))
    measures, milestones, values = book["Maßnahmen"], book["Meilensteine"], book["Kennzahl-Werte"]
    assert measures["A2"].value == measure.pk
    measures["C2"] = "Läuft"
    measures["D2"] = 55
    measures["E2"] = "Bänke stehen, Auswertung fehlt"
    row = next(
        r for r in range(2, milestones.max_row + 1) if milestones[f"C{r}"].value == "Bänke aufgestellt"
    )
    milestones[f"E{row}"] = TODAY().strftime("%d.%m.%Y")
    last = values.max_row
    yesterday = TODAY() - datetime.timedelta(days=1)
    values.append([values[f"A{last}"].value, "", "", "", yesterday, "52,5", "Zählung"])
    return _save(book)


def test_the_export_holds_measures_milestones_and_values_in_german(office, measure):
    book = _book(bulk.export_xlsx(actor=office))
    assert book.sheetnames == ["Maßnahmen", "Meilensteine", "Kennzahl-Werte"]
    assert [c.value for c in book["Maßnahmen"][1]] == [
        "Maßnahme Nr.",
        "Maßnahme",
        "Status",
        "Fortschritt in Prozent",
        "Begründung",
    ]
    assert [c.value for c in book["Maßnahmen"][2]][:3] == [measure.pk, "Mitfahrbänke", "Geplant"]
    assert book["Meilensteine"].max_row == 4
    assert [c.value for c in book["Kennzahl-Werte"][3]][5:] == ["40,5", "Zählung"]


def test_an_unchanged_export_changes_nothing(office, measure):
    result = bulk.read_import(actor=office, content=bulk.export_xlsx(actor=office))
    assert (result.changes, result.errors) == ([], [])


def test_the_preview_lists_every_change_and_applying_twice_changes_nothing_the_second_time(office, measure):
    content = _edited(office, measure)
    result = bulk.read_import(actor=office, content=content)
    assert result.errors == []
    texts = [change.text for change in result.changes]
    assert len(texts) == 4
    assert "Status „Läuft“ statt „Geplant“." in texts
    assert "Fortschritt 55 % statt 33 %." in texts
    assert bulk.apply_import(actor=office, content=content) == 4
    measure.refresh_from_db()
    assert (measure.status, measure.progress) == (MeasureStatus.RUNNING, 55)
    assert not measure.progress_from_milestones
    assert Milestone.objects.get(measure=measure, title="Bänke aufgestellt").done_on == TODAY()
    assert IndicatorValue.objects.filter(indicator__measure=measure, value=Decimal("52.5")).exists()
    events = MeasureEvent.objects.filter(measure=measure).count()
    # The same file again: no change, no history entry.
    assert bulk.read_import(actor=office, content=content).changes == []
    assert bulk.apply_import(actor=office, content=content) == 0
    assert MeasureEvent.objects.filter(measure=measure).count() == events


def test_errors_name_sheet_row_and_column_in_german_and_nothing_applies(office, measure):
    book = _book(_edited(office, measure))
    book["Maßnahmen"]["C2"] = "Fertig-ish"
    book["Meilensteine"]["E3"] = "morgen"
    book["Kennzahl-Werte"].append([999999, "", "", "", "01.01.2026", "1", "x"])
    result = bulk.read_import(actor=office, content=_save(book))
    status_error = "Tabelle „Maßnahmen“, Zeile 2, Spalte „Status“: Bitte verwenden Sie"
    assert any(e.startswith(status_error) for e in result.errors)
    assert any(e.startswith("Tabelle „Meilensteine“, Zeile 3, Spalte „Erreicht am“:") for e in result.errors)
    assert any("Spalte „Kennzahl Nr.“: Es gibt keine Kennzahl mit dieser Nummer." in e for e in result.errors)
    with pytest.raises(ValidationError):
        bulk.apply_import(actor=office, content=_save(book))
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED
    assert not IndicatorValue.objects.filter(value=Decimal("52.5")).exists()


def test_a_service_refusing_one_change_rolls_back_all(office, measure):
    book = _book(_edited(office, measure))
    # Pausing needs a public reason, which the service asks for after the other changes were made.
    book["Maßnahmen"]["C2"] = "Pausiert"
    book["Maßnahmen"]["D2"] = None
    book["Maßnahmen"]["E2"] = None
    content = _save(book)
    assert bulk.read_import(actor=office, content=content).errors == []
    with pytest.raises(ValidationError) as error:
        bulk.apply_import(actor=office, content=content)
    assert "Mitfahrbänke" in error.value.messages[0]
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED
    assert Milestone.objects.get(measure=measure, title="Bänke aufgestellt").done_on is None


def test_not_a_workbook(office, measure):
    result = bulk.read_import(actor=office, content=b"not a spreadsheet")
    assert result.errors == ["Diese Datei ist keine hier exportierte Excel-Arbeitsmappe (XLSX)."]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("moderator", False),
        ("expert", False),
        ("coordinator", False),
        ("program_office", True),
    ],
)
def test_only_the_office_updates_in_bulk(client, make_person, measure, role, allowed):
    person = make_person(role)
    if person is not None:
        client.force_login(person)
    expected = 200 if allowed else 403 if person else 302
    assert client.get(URL).status_code in ((expected,) if person or allowed else (302, 403))
    assert client.get(f"{URL}massnahmen.xlsx").status_code in ((200,) if allowed else (302, 403))
    if not allowed and person is not None:
        with pytest.raises(PermissionDenied):
            bulk.export_xlsx(actor=person)


def test_the_pages_preview_and_apply(client, office, measure):
    client.force_login(office)
    content = _edited(office, measure)
    response = client.post(f"{URL}vorschau/", {"file": io.BytesIO(content)})
    assert response.status_code == 200
    page = text_of(response)
    assert "Status „Läuft“ statt „Geplant“." in page
    token = response.context["token"]
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED, "the preview changes nothing"
    response = client.post(f"{URL}anwenden/", {"token": token}, follow=True)
    assert german("%(count)s changes are applied.", count=4) in text_of(response)
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.RUNNING
    # A forged token is refused.
    response = client.post(f"{URL}anwenden/", {"token": "x"}, follow=True)
    assert german("The preview has expired. Please upload the file again.") in text_of(response)
    # Errors come back with status 400.
    response = client.post(f"{URL}vorschau/", {"file": io.BytesIO(b"kaputt")})
    assert response.status_code == 400
