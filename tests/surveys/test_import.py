"""The XLSX template and its import: all rows or none, errors by row and column, progress, no duplicates."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from smartregion.surveys.models import Answer, ImportRun, Response


def _filled(client, survey, rows):
    template = client.get(reverse("surveys:import_template", kwargs={"pk": survey.pk}))
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.active
    headings = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(heading, "") for heading in headings])
    output = io.BytesIO()
    book.save(output)
    output.seek(0)
    output.name = "boegen.xlsx"
    return headings, output


def _row(number, transport="Auto", households="2", municipality="Andernach"):
    return {
        "Nummer des Papierbogens": number,
        "Kanal": "Papierfragebogen",
        "1. Wie kommen Sie zur Arbeit?": transport,
        "8. Wie viele Personen leben im Haushalt?": households,
        "Kommune": municipality,
        "Altersgruppe": "65 und älter",
    }


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


def _upload(client, survey, output, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("surveys:import", kwargs={"pk": survey.pk}), {"file": output, "provenance": "Rathaus"}
        )
    assert answer.status_code == 302
    return ImportRun.objects.latest("id"), answer


def test_one_bad_row_stores_nothing_then_the_good_file_imports(
    office_client, survey_and_questions, municipality, django_capture_on_commit_callbacks
):
    survey, q = survey_and_questions
    headings, bad = _filled(
        office_client, survey, [_row("A1"), _row("A2", households="99"), _row("A3", municipality="Paris")]
    )
    assert headings[0] == "Nummer des Papierbogens"
    run, answer = _upload(office_client, survey, bad, django_capture_on_commit_callbacks)
    assert run.status == "failed"
    assert not Response.objects.exists()
    page = office_client.get(answer.url).content.decode()
    assert "Es wurde nichts importiert" in page
    column = get_column_letter(headings.index("8. Wie viele Personen leben im Haushalt?") + 1)
    assert {(e["row"], e["column"]) for e in run.errors} >= {(4, column)}
    assert any(e["row"] == 5 and e["heading"] == "Kommune" for e in run.errors)
    assert "kleiner oder gleich 20" in page

    _headings, good = _filled(
        office_client,
        survey,
        [_row("A1"), {**_row("A2", transport="Fahrrad"), "2. Warum fahren Sie Rad?": "Gesund"}, _row("A3")],
    )
    run, answer = _upload(office_client, survey, good, django_capture_on_commit_callbacks)
    assert run.status == "done", run.errors
    assert run.imported == 3
    assert Response.objects.filter(survey=survey, channel="paper").count() == 3
    assert Response.objects.get(paper_number="A1").provenance == "Rathaus"
    assert Response.objects.get(paper_number="A1").age_group == "65+"
    assert Answer.objects.filter(question=q["transport"]).count() == 3
    assert "3 Fragebögen importiert" in office_client.get(answer.url).content.decode()
    # The same file again: every form is there already, nothing is stored twice.
    _headings, again = _filled(office_client, survey, [_row("A1"), _row("A4")])
    run, _answer = _upload(office_client, survey, again, django_capture_on_commit_callbacks)
    assert run.status == "failed"
    assert "A1" in run.errors[0]["message"]
    assert Response.objects.filter(survey=survey).count() == 3


def test_not_an_xlsx_file(office_client, survey_and_questions, django_capture_on_commit_callbacks):
    survey, _q = survey_and_questions
    fake = io.BytesIO(b"not a workbook")
    fake.name = "boegen.xlsx"
    run, _answer = _upload(office_client, survey, fake, django_capture_on_commit_callbacks)
    assert run.status == "failed"
    assert "keine XLSX-Datei" in run.errors[0]["message"]


def test_progress_fragment_for_htmx(office_client, survey_and_questions):
    survey, _q = survey_and_questions
    run = ImportRun.objects.create(
        survey=survey, file_name="x.xlsx", content=b"", total=10, processed=4, status="running"
    )
    page = office_client.get(
        reverse("surveys:import_run", kwargs={"pk": survey.pk, "run_pk": run.pk}), HTTP_HX_REQUEST="true"
    )
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'value="40"' in html
    assert "<html" not in html
