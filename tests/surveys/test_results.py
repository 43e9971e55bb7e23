"""Results: aggregates from SQL with a constant number of queries, filters, text moderation, paper entry,
anonymised exports, personal data."""

import csv
import io
import random
import re
from decimal import Decimal

from django.urls import reverse

from smartregion.accounts.models import Role
from smartregion.accounts.services import account_delete, personal_data_export
from smartregion.surveys import selectors, services
from smartregion.surveys.models import Answer, QuestionKind, Response, Survey

from ..factories import MunicipalityFactory, RoleGrantFactory, UserFactory


def _respond(survey, q, municipality, *, channel="online", n=1, user=None):
    rng = random.Random(n)  # noqa: S311 - test data, not a secret
    for _ in range(n):
        response = Response.objects.create(
            survey=survey,
            municipality=municipality,
            channel=channel,
            submitted_at="2026-01-01T00:00Z",
            user=user,
        )
        transport = list(q["transport"].options.all())
        answers = [
            Answer(response=response, question=q["transport"], option=rng.choice(transport)),
            Answer(response=response, question=q["digital"], number=Decimal(rng.randint(1, 5))),
            Answer(response=response, question=q["wish"], text=f"Wunsch {rng.randint(1, 1000)}"),
            Answer(response=response, question=q["age"], number=Decimal(rng.randint(1, 6))),
        ]
        for rank, option in enumerate(q["ranking"].options.all(), start=1):
            answers.append(
                Answer(response=response, question=q["ranking"], option=option, number=Decimal(rank))
            )
        for option in q["matrix"].options.all():
            answers.append(
                Answer(
                    response=response, question=q["matrix"], option=option, number=Decimal(rng.randint(1, 5))
                )
            )
        Answer.objects.bulk_create(answers)
    # Written in bulk past the services, so the counters are recounted as after an import by hand.
    services.answer_counts_rebuild(survey=survey)


def test_results_figures(survey_and_questions, municipality):
    survey, q = survey_and_questions
    _respond(survey, q, municipality, n=10)
    results = selectors.survey_results(survey=survey, filters=selectors.ResultFilters())
    assert results.total == 10
    by_kind = {item.question.pk: item for item in results.questions}
    transport = by_kind[q["transport"].pk]
    assert sum(row.count for row in transport.rows) == 10
    assert transport.respondents == 10
    assert by_kind[q["ranking"].pk].rows[0].label == "Breitband"  # ranked 1 by everybody
    assert by_kind[q["ranking"].pk].rows[0].extra == Decimal("1.00")
    digital = by_kind[q["digital"].pk]
    assert 1 <= digital.average <= 5
    assert len(digital.rows) == 5
    assert len(by_kind[q["matrix"].pk].matrix) == 2
    assert len(by_kind[q["wish"].pk].texts) == 10


def test_results_page_queries_stay_constant(
    client, office, survey_and_questions, municipality, django_assert_max_num_queries
):
    survey, q = survey_and_questions
    client.force_login(office)
    url = reverse("surveys:results", kwargs={"pk": survey.pk})
    _respond(survey, q, municipality, n=2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    filters = {"kommune": municipality.slug, "kanal": "online"}
    assert client.get(url).status_code == 200  # the questionnaire is cached from now on
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as small_filtered:
        assert client.get(url, filters).status_code == 200
    _respond(survey, q, municipality, n=40)
    _respond(survey, q, MunicipalityFactory(), channel="paper", n=20)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.status_code == 200
    assert len(large) == len(small)
    assert "62 Antworten" in page.content.decode()  # the survey's kept count, without counting
    with CaptureQueriesContext(connection) as large_filtered:
        page = client.get(url, filters)
    assert len(large_filtered) == len(small_filtered) == len(small) + 1  # a filter counts its responses
    assert "42 Antworten" in page.content.decode()


def test_result_sections_kept_for_readers_show_new_answers_at_once(
    client, office, survey_and_questions, municipality
):
    """A reader's result sections are kept under their figures: the next page after an answer shows it."""
    survey, q = survey_and_questions
    coordinator = UserFactory()
    RoleGrantFactory(user=coordinator, role=Role.COORDINATOR, municipality=municipality)
    client.force_login(coordinator)
    url = reverse("surveys:results", kwargs={"pk": survey.pk})
    empty = client.get(url).content.decode()
    assert "Noch keine Textantworten." in empty
    assert "100,0 %" not in empty
    sections = re.findall(r'<section class="sr-section".*?</section>', empty, re.S)
    assert len(sections) == len(q)
    assert (
        re.findall(r'<section class="sr-section".*?</section>', client.get(url).content.decode(), re.S)
        == sections
    )
    _respond(survey, q, municipality, n=1)
    answered = client.get(url).content.decode()
    assert "100,0 %" in answered  # the one respondent's option and scale value
    assert "Wunsch" in answered
    assert "Ausblenden (nennt eine Person)" not in answered
    # Moderators' sections carry their forms and are never the ones kept for readers.
    client.force_login(office)
    moderated = client.get(url).content.decode()
    assert "Ausblenden (nennt eine Person)" in moderated
    assert "Wunsch" in moderated


def test_hidden_text_leaves_public_results_and_exports(client, office, survey_and_questions, municipality):
    survey, q = survey_and_questions
    _respond(survey, q, municipality, n=1)
    answer = Answer.objects.get(question=q["wish"])
    Answer.objects.filter(pk=answer.pk).update(text="Herr Max Mustermann ist schuld")
    client.force_login(office)
    client.post(
        reverse("surveys:moderate", kwargs={"pk": survey.pk, "answer_pk": answer.pk}), {"action": "hide"}
    )
    assert Answer.objects.get(pk=answer.pk).hidden
    services.results_publish(actor=office, survey=survey, published=True)
    export = client.get(reverse("surveys:export", kwargs={"pk": survey.pk, "fmt": "csv"})).content.decode(
        "utf-8-sig"
    )
    assert "Mustermann" not in export
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0][:5] == ["response", "submitted_at", "channel", "municipality", "age_group"]
    assert len(rows) == 2
    client.logout()
    public = client.get(reverse("surveys:results", kwargs={"pk": survey.pk})).content.decode()
    assert "Mustermann" not in public


def test_exports_never_carry_the_person(client, office, survey_and_questions, municipality):
    survey, q = survey_and_questions
    person = UserFactory(email="clara@example.org", display_name="Clara Bürgerin")
    _respond(survey, q, municipality, user=person)
    client.force_login(office)
    for fmt in ("csv", "xlsx"):
        body = client.get(reverse("surveys:export", kwargs={"pk": survey.pk, "fmt": fmt})).content
        assert b"clara" not in body.lower()
        assert "Bürgerin".encode() not in body


def test_staff_enter_a_paper_form_once(client, office, survey_and_questions, municipality):
    survey, q = survey_and_questions
    client.force_login(office)
    url = reverse("surveys:enter", kwargs={"pk": survey.pk})
    car = q["transport"].options.get(text="Auto")
    data = {
        "channel": "paper",
        "paper_number": "",
        "provenance": "Rathaus Mendig",
        q["transport"].field_name: str(car.pk),
    }
    missing = client.post(url, data)
    assert missing.status_code == 400
    assert "Bitte geben Sie die Nummer des Papierbogens an." in missing.content.decode()
    assert "Rathaus Mendig" in missing.content.decode()
    data["paper_number"] = "P-17"
    assert client.post(url, data).status_code == 302
    twice = client.post(url, data)
    assert twice.status_code == 400
    assert "Der Papierbogen P-17 wurde bereits erfasst." in twice.content.decode()
    response = Response.objects.get(survey=survey)
    assert response.channel == "paper"
    assert response.entered_by == office
    assert response.user is None


def test_personal_data_export_and_erasure_keep_the_aggregates(survey_and_questions, municipality):
    survey, q = survey_and_questions
    person = UserFactory()
    _respond(survey, q, municipality, user=person)
    exported = personal_data_export(user=person)
    assert exported["surveys"]["responses"][0]["survey"] == survey.title
    account_delete(user=person)
    response = Response.objects.get(survey=survey)
    assert response.user is None
    assert selectors.survey_results(survey=survey, filters=selectors.ResultFilters()).total == 1


def test_kinds_are_complete():
    assert {kind.value for kind in QuestionKind} == {
        "single",
        "multiple",
        "short_text",
        "long_text",
        "scale",
        "ranking",
        "matrix",
        "number",
        "date",
        "point",
    }
    assert Survey.Audience.values == ["anyone", "signed_in"]


def test_paper_questionnaire_pdf_and_print_page(client, survey_and_questions):
    survey, _q = survey_and_questions
    pdf = client.get(reverse("surveys:pdf", kwargs={"pk": survey.pk}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    page = client.get(reverse("surveys:print", kwargs={"pk": survey.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "sr-print-box" in html
    assert "Wie zufrieden sind Sie?" in html


def test_published_results_are_an_open_dataset(client, office, survey_and_questions, municipality):
    survey, q = survey_and_questions
    _respond(survey, q, municipality, n=3)
    url = reverse("opendata:download", kwargs={"slug": "umfrageergebnisse", "fmt": "csv"})
    before = client.get(url)
    assert before.status_code == 200
    assert "Wie kommen Sie zur Arbeit?" not in b"".join(before.streaming_content).decode("utf-8-sig")
    services.results_publish(actor=office, survey=survey, published=True)
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    transport = [row for row in rows if row[3] == "Wie kommen Sie zur Arbeit?"]
    assert sum(int(row[-1]) for row in transport) == 3
    assert not [row for row in rows if "Wunsch" in ",".join(row)]  # free texts are not part of it


def test_export_quotes_text_that_a_spreadsheet_would_run(client, office, survey_and_questions, municipality):
    survey, q = survey_and_questions
    _respond(survey, q, municipality, n=1)
    Answer.objects.filter(question=q["wish"]).update(text="=HYPERLINK(1)")
    client.force_login(office)
    url = reverse("surveys:export", kwargs={"pk": survey.pk, "fmt": "csv"})
    export = client.get(url).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in export
