"""Surveys in the browser: the office builds a survey with a conditional question, it is answered
anonymously with the keyboard only and signed in (wrong input first), staff enter a paper form and import
an XLSX with one bad row (nothing stored) and then a good one, publish the results and read them; axe
checks every page and error state on the way."""

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from smartregion.accounts.models import Role
from smartregion.surveys.models import Answer, Response, Survey

from ..factories import PASSWORD, MunicipalityFactory, RegionFactory, RoleGrantFactory, UserFactory
from ..surveys.factories import survey_process
from .support import AxeAudit, sign_in, submit

pytestmark = pytest.mark.browser


def _fill_choice(page: Page, label: str) -> None:
    """Tick a radio button with the keyboard: focus it, then Space."""
    page.get_by_label(label, exact=True).focus()
    page.keyboard.press("Space")


def test_build_answer_enter_import_and_publish(page: Page, transactional_db: None, tmp_path) -> None:
    audit = AxeAudit()
    region = RegionFactory()
    MunicipalityFactory(region=region, name="Andernach", slug="andernach")
    process = survey_process("active", title="Zukunftsdialog", slug="zukunftsdialog")
    office = UserFactory(email="office@example.org")
    RoleGrantFactory(user=office, role=Role.PROGRAM_OFFICE)
    citizen = UserFactory(email="clara@example.org")

    # Building: the survey, a required question, a question shown only for "Ja", the preview, publishing.
    sign_in(page, office.email, PASSWORD)
    page.goto(reverse("surveys:create"))
    audit.check(page)
    page.get_by_label("Beteiligungsprozess").select_option(str(process.pk))
    page.get_by_label("Titel").fill("Radfahren im Kreis")
    submit(page)
    survey = Survey.objects.get(title="Radfahren im Kreis")
    audit.check(page)
    page.goto(reverse("surveys:question_add", kwargs={"pk": survey.pk}))
    page.get_by_label("Frage", exact=True).fill("Fahren Sie Rad?")
    page.get_by_label("Antwortmöglichkeiten (eine pro Zeile)").fill("Ja")
    submit(page)
    expect(page.locator("#id_options_error")).to_contain_text("mindestens zwei Antwortmöglichkeiten")
    audit.check(page)
    page.get_by_label("Antwortmöglichkeiten (eine pro Zeile)").fill("Ja\nNein")
    page.get_by_label("Antwort erforderlich").check()
    submit(page)
    page.goto(reverse("surveys:question_add", kwargs={"pk": survey.pk}))
    page.get_by_label("Art der Frage").select_option("short_text")
    page.get_by_label("Frage", exact=True).fill("Wohin fahren Sie?")
    page.get_by_label("Antwort erforderlich").check()
    page.get_by_label("Fahren Sie Rad? → Ja").check()
    submit(page)
    page.goto(reverse("surveys:preview", kwargs={"pk": survey.pk}))
    expect(page.locator("main")).to_contain_text("Bitte nur beantworten, wenn Sie bei „Fahren Sie Rad?“ „Ja“")
    audit.check(page)
    page.goto(reverse("surveys:build", kwargs={"pk": survey.pk}))
    with page.expect_navigation():
        page.get_by_role("button", name="Umfrage veröffentlichen").click()
    audit.check(page)

    # Answering anonymously, keyboard only: first without the conditional answer, then right.
    anonymous = page.context.browser.new_context(base_url=page.url.split("/umfragen")[0])
    visitor = anonymous.new_page()
    visitor.goto(survey.get_absolute_url())
    audit.check(visitor)
    _fill_choice(visitor, "Ja")
    visitor.get_by_role("button", name="Antworten senden").focus()
    with visitor.expect_navigation():
        visitor.keyboard.press("Enter")
    expect(visitor.locator("main")).to_contain_text("Bitte beantworten Sie diese Frage.")
    audit.check(visitor)
    visitor.get_by_label("Wohin fahren Sie?").focus()
    visitor.keyboard.type("Zur Arbeit nach Koblenz")
    visitor.get_by_role("button", name="Antworten senden").focus()
    with visitor.expect_navigation():
        visitor.keyboard.press("Enter")
    expect(visitor.locator("main")).to_contain_text("Vielen Dank für Ihre Teilnahme!")
    audit.check(visitor)
    assert Answer.objects.filter(text="Zur Arbeit nach Koblenz").exists()
    anonymous.close()

    # Signed in: one response per person, editable.
    member = page.context.browser.new_context(base_url=page.url.split("/umfragen")[0])
    clara = member.new_page()
    sign_in(clara, citizen.email, PASSWORD)
    clara.goto(survey.get_absolute_url())
    _fill_choice(clara, "Nein")
    submit(clara, clara.locator("main form.sr-form"))
    assert Response.objects.filter(survey=survey, user=citizen).count() == 1
    clara.goto(survey.get_absolute_url())
    expect(clara.locator("main")).to_contain_text("Solange sie läuft, können Sie Ihre Antworten ändern.")
    member.close()

    # A paper form entered by staff.
    page.goto(reverse("surveys:enter", kwargs={"pk": survey.pk}))
    audit.check(page)
    page.get_by_label("Nummer des Papierbogens").fill("P-1")
    page.get_by_label("Nein", exact=True).check()
    submit(page, page.locator("main form.sr-form"))
    expect(page.locator("main")).to_contain_text("Der Fragebogen ist gespeichert.")
    assert Response.objects.get(paper_number="P-1").channel == "paper"

    # XLSX: one bad row stores nothing, then the corrected file imports.
    page.goto(reverse("surveys:import", kwargs={"pk": survey.pk}))
    audit.check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Vorlage herunterladen (XLSX)").click()
    template = tmp_path / "vorlage.xlsx"
    download.value.save_as(template)
    book = load_workbook(template)
    sheet = book.active
    sheet.append(["P-2", "Papierfragebogen", "Rathaus", "Nein", "", "Andernach", ""])
    sheet.append(["P-3", "Papierfragebogen", "Rathaus", "Vielleicht", "", "Andernach", ""])
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    page.get_by_label("Ausgefüllte Vorlage (XLSX)").set_input_files(str(bad))
    submit(page, page.locator("main form.sr-form"))
    expect(page.locator("#import-status")).to_contain_text("Es wurde nichts importiert", timeout=30_000)
    expect(page.locator("#import-status")).to_contain_text("Vielleicht")
    audit.check(page)
    assert not Response.objects.filter(paper_number="P-2").exists()
    sheet.delete_rows(4)
    good = tmp_path / "good.xlsx"
    book.save(good)
    page.goto(reverse("surveys:import", kwargs={"pk": survey.pk}))
    page.get_by_label("Ausgefüllte Vorlage (XLSX)").set_input_files(str(good))
    submit(page, page.locator("main form.sr-form"))
    expect(page.locator("#import-status")).to_contain_text("1 Fragebogen importiert", timeout=30_000)
    audit.check(page)

    # Results: live for the office, then published and read by everybody.
    page.goto(reverse("surveys:results", kwargs={"pk": survey.pk}))
    expect(page.locator("#response-total")).to_have_text("4 Antworten")
    audit.check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Ergebnisse veröffentlichen").click()
    public = page.context.browser.new_context(base_url=page.url.split("/umfragen")[0])
    reader = public.new_page()
    reader.goto(reverse("surveys:results", kwargs={"pk": survey.pk}))
    expect(reader.locator("main table").first).to_contain_text("Nein")
    audit.check(reader)
    reader.goto(reverse("surveys:print", kwargs={"pk": survey.pk}))
    audit.check(reader)
    public.close()
    audit.assert_clean()


def test_conditional_questions_and_sections_follow_the_answers_live(
    page: Page, transactional_db: None
) -> None:
    """conditions.js hides a question or section until its answer is chosen, disables its inputs (so they
    are neither reachable nor sent), keeps what was typed, and the server stores only what applies."""
    from ..surveys.factories import add_question, make_survey

    audit = AxeAudit()
    MunicipalityFactory(region=RegionFactory(), name="Andernach", slug="andernach")
    office = UserFactory()
    RoleGrantFactory(user=office, role=Role.PROGRAM_OFFICE)
    survey = make_survey(office, survey_process("active"), title="Radfahren")
    rides = add_question(office, survey, "single", "Fahren Sie Rad?", required=True, options=["Ja", "Nein"])
    yes, no = rides.options.order_by("position")
    where = add_question(office, survey, "short_text", "Wohin fahren Sie?", required=True, show_if=[yes])
    from smartregion.surveys import services

    section = services.section_save(
        actor=office, survey=survey, section=None, title="Ohne Rad", description="", show_if=[no]
    )
    why = add_question(office, survey, "long_text", "Was hält Sie ab?", section=section)

    page.goto(survey.get_absolute_url())
    where_box = page.get_by_label("Wohin fahren Sie?")
    why_box = page.get_by_label("Was hält Sie ab?")
    expect(page.locator(f"#frage-{where.pk}")).to_be_hidden()
    expect(where_box).to_be_disabled()
    expect(page.get_by_role("heading", name="Ohne Rad")).to_be_hidden()
    audit.check(page)

    _fill_choice(page, "Ja")
    expect(where_box).to_be_visible()
    expect(where_box).to_be_enabled()
    expect(page.locator("[data-survey-live]")).to_have_text("Weitere Fragen werden jetzt angezeigt.")
    # The keyboard goes from the chosen answer on to the question that just appeared.
    page.keyboard.press("Tab")
    expect(where_box).to_be_focused()
    page.keyboard.type("Nach Koblenz")
    audit.check(page)

    _fill_choice(page, "Nein")
    expect(where_box).to_be_hidden()
    expect(why_box).to_be_visible()
    why_box.fill("Zu viele Hügel")
    _fill_choice(page, "Ja")
    expect(where_box).to_have_value("Nach Koblenz")  # kept while hidden
    expect(why_box).to_be_hidden()
    _fill_choice(page, "Nein")
    with page.expect_navigation():
        page.get_by_role("button", name="Antworten senden").click()
    response = Response.objects.get(survey=survey)
    stored = {answer.question_id: answer for answer in Answer.objects.filter(response=response)}
    assert stored[rides.pk].option_id == no.pk
    assert stored[why.pk].text == "Zu viele Hügel"
    assert where.pk not in stored  # hidden and disabled: never sent
