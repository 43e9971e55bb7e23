"""The event pages: calendar with filters, map, iCal, registration through the forms, the mailed links, the
organizers' pages (attendees, exports, messages, minutes, workshop cards) and bad input on each."""

import csv
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from smartregion.events import services
from smartregion.events.models import Event, MinutesAttachment, Registration
from smartregion.participation.models import Channel, Idea

from ..factories import OrganizationFactory, UserFactory
from ..html import text
from ..participation.factories import DomainFactory, ProcessFactory
from .factories import DAY, EventFactory


def page_text(response) -> str:
    return text(response.content.decode())


# --- Calendar, map, iCal ---------------------------------------------------------------------------------


def test_calendar_lists_upcoming_events_and_filters_them(client, municipality, other_municipality):
    EventFactory(title="Forum Andernach", municipality=municipality, step_free=True)
    EventFactory(title="Werkstatt Mendig", municipality=other_municipality, format="citizen_forum")
    EventFactory(title="Alte Werkstatt", state="past")
    EventFactory(title="Entwurf", status=Event.Status.DRAFT)
    body = page_text(client.get(reverse("events:calendar")))
    assert "Forum Andernach" in body
    assert "Werkstatt Mendig" in body
    assert "Alte Werkstatt" not in body
    assert "Entwurf" not in body
    body = page_text(client.get(reverse("events:calendar"), {"municipality": "mendig"}))
    assert "Werkstatt Mendig" in body
    assert "Forum Andernach" not in body
    body = page_text(client.get(reverse("events:calendar"), {"step_free": "on"}))
    assert "Forum Andernach" in body
    assert "Werkstatt Mendig" not in body
    body = page_text(client.get(reverse("events:calendar"), {"format": "citizen_forum"}))
    assert "Werkstatt Mendig" in body
    assert "Forum Andernach" not in body
    body = page_text(client.get(reverse("events:calendar"), {"when": "past"}))
    assert "Alte Werkstatt" in body
    assert "Forum Andernach" not in body


def test_calendar_filters_by_process(client, municipality):
    process = ProcessFactory(slug="mobil")
    EventFactory(title="Zur Mobilität", process=process)
    EventFactory(title="Ohne Prozess")
    body = page_text(client.get(reverse("events:calendar"), {"process": "mobil"}))
    assert "Zur Mobilität" in body
    assert "Ohne Prozess" not in body


def test_an_unknown_filter_value_is_a_clear_400(client, db):
    response = client.get(reverse("events:calendar"), {"municipality": "atlantis"})
    assert response.status_code == 400
    assert "Einige Filter konnten nicht angewendet werden" in page_text(response)
    assert client.get(reverse("events:calendar_ical"), {"format": "party"}).status_code == 400


def test_ical_per_event_and_per_filter(client, municipality, other_municipality):
    event = EventFactory(
        title="Forum Andernach", municipality=municipality, online_url="https://meet.example.org/geheim"
    )
    EventFactory(title="Werkstatt Mendig", municipality=other_municipality)
    response = client.get(reverse("events:event_ical", args=[event.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "SUMMARY:Forum Andernach" in body
    assert "BEGIN:VEVENT" in body
    assert "geheim" not in body  # the online link is for registered people only
    feed = client.get(reverse("events:calendar_ical"), {"municipality": "mendig"}).content.decode()
    assert feed.count("BEGIN:VEVENT") == 1
    assert "Werkstatt Mendig" in feed


def test_map_lists_the_venues_with_a_point(client, municipality):
    EventFactory(title="Mit Ort", latitude=municipality.latitude, longitude=municipality.longitude)
    EventFactory(title="Ohne Ort")
    response = client.get(reverse("events:map"))
    body = page_text(response)
    assert "Mit Ort" in body
    assert "Ohne Ort" not in body
    assert '"type": "FeatureCollection"' in response.content.decode()


# --- Registration through the pages ------------------------------------------------------------------------


def test_guest_registers_confirms_and_cancels_through_the_links(
    client, event, django_capture_on_commit_callbacks
):
    url = reverse("events:register", args=[event.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"name": "Gast Gustav", "email": "gustav@example.org", "share_contact": "on"}
        )
    assert response.status_code == 302
    confirm = re.search(
        r"https?://[^/]+(/veranstaltungen/anmeldung/[^/]+/bestaetigen/)", mail.outbox[-1].body
    )
    assert confirm
    # GET only asks: a mail scanner opening the link confirms nothing.
    assert client.get(confirm.group(1)).status_code == 200
    assert Registration.objects.get().status == Registration.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm.group(1))
    assert "Ihr Platz ist bestätigt" in page_text(response)
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    cancel = re.search(r"https?://[^/]+(/veranstaltungen/anmeldung/[^/]+/absagen/)", mail.outbox[-1].body)
    assert cancel
    assert "Ihre Anmeldung ist abgesagt" in page_text(client.post(cancel.group(1)))
    assert "Ihre Anmeldung ist abgesagt" in page_text(client.post(cancel.group(1)))  # idempotent
    assert Event.objects.get(pk=event.pk).registered_count == 0


def test_invalid_email_keeps_what_was_typed(client, event):
    response = client.post(
        reverse("events:register", args=[event.slug]), {"name": "Gast Gustav", "email": "gustav@"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in text(body)
    assert 'value="Gast Gustav"' in body
    assert not Registration.objects.exists()


def test_registration_after_closing_is_refused_with_a_message(client, municipality):
    event = EventFactory(state="closed")
    response = client.post(
        reverse("events:register", args=[event.slug]), {"name": "Gast", "email": "gast@example.org"}
    )
    assert response.status_code == 400
    assert "Die Anmeldung für diese Veranstaltung ist geschlossen" in page_text(response)
    assert not Registration.objects.exists()


def test_signed_in_person_registers_sees_the_online_link_and_cancels(client, municipality):
    event = EventFactory(format="hybrid", online_url="https://meet.example.org/raum")
    person = UserFactory()
    client.force_login(person)
    assert "meet.example.org/raum" not in client.get(event.get_absolute_url()).content.decode()
    client.post(reverse("events:register", args=[event.slug]), {"share_contact": "on"})
    assert "meet.example.org/raum" in client.get(event.get_absolute_url()).content.decode()
    response = client.post(reverse("events:cancel_own", args=[event.slug]), follow=True)
    assert "Ihre Anmeldung ist abgesagt" in page_text(response)
    assert not Registration.objects.filter(status="confirmed").exists()


def test_full_event_offers_the_waiting_list(client, municipality):
    event = EventFactory(capacity=1)
    services.registration_create(event=event, user=UserFactory())
    assert "Auf die Warteliste setzen" in page_text(client.get(event.get_absolute_url()))


def test_a_draft_is_not_found_by_the_public(client, municipality):
    event = EventFactory(status=Event.Status.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404


# --- Organizers --------------------------------------------------------------------------------------------


@pytest.fixture
def office(client, make_person):
    person = make_person("program_office")
    client.force_login(person)
    return person


def test_attendee_list_and_exports_show_only_shared_contacts(client, office, event):
    sharing = UserFactory(display_name="Teilt Gern", email="teilt@example.org")
    private = UserFactory(display_name="Bleibt Privat", email="privat@example.org")
    services.registration_create(event=event, user=sharing, share_contact=True)
    services.registration_create(event=event, user=private, share_contact=False)
    formula = services.registration_create(
        event=event, name="=HYPERLINK(1)", email="f@example.org", share_contact=True
    )
    services.registration_confirm(token=formula.token)
    body = page_text(client.get(reverse("events:attendees", args=[event.slug])))
    assert "Teilt Gern" in body
    assert "teilt@example.org" in body
    assert "Bleibt Privat" not in body
    assert "privat@example.org" not in body
    response = client.get(reverse("events:attendees_csv", args=[event.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nr.", "Status", "Name", "E-Mail-Adresse", "Teilgenommen"]
    flat = ";".join(";".join(row) for row in rows)
    assert "teilt@example.org" in flat
    assert "privat@example.org" not in flat
    assert "Bleibt Privat" not in flat
    assert "'=HYPERLINK(1)" in flat  # formula injection guard
    response = client.get(reverse("events:attendees_xlsx", args=[event.slug]))
    # xlsxwriter keeps the texts in the shared-strings part of the workbook.
    strings = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/sharedStrings.xml").decode()
    assert "teilt@example.org" in strings
    assert "privat@example.org" not in strings


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "expert"])
def test_attendee_pages_are_for_organizers_only(client, signed_in, event, role):
    signed_in(role)
    for name in ("attendees", "attendees_csv", "attendees_xlsx", "message", "edit"):
        response = client.get(reverse(f"events:{name}", args=[event.slug]))
        assert response.status_code in (302, 403), name
        if role == "anonymous":
            assert response["Location"].startswith("/konto/login/")


def test_coordinator_of_another_municipality_is_refused(client, make_person, other_municipality):
    event = EventFactory(municipality=other_municipality)
    client.force_login(make_person("coordinator"))
    assert client.get(reverse("events:attendees", args=[event.slug])).status_code == 403


def test_member_of_the_organizing_organization_sees_the_attendees(client, event):
    from ..factories import MembershipFactory

    organization = OrganizationFactory()
    event.organizers.set([organization])
    member = MembershipFactory(organization=organization).user
    client.force_login(member)
    assert client.get(reverse("events:attendees", args=[event.slug])).status_code == 200


def test_attendance_is_marked_after_the_start(client, office, municipality):
    event = EventFactory()
    first, second = (services.registration_create(event=event, user=UserFactory()) for _ in range(2))
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - DAY / 24, ends_at=timezone.now() + DAY / 24
    )
    response = client.post(reverse("events:attendees", args=[event.slug]), {"present": [str(first.pk)]})
    assert response.status_code == 302
    assert dict(Registration.objects.values_list("pk", "attended")) == {first.pk: True, second.pk: False}


def test_edit_refuses_capacity_below_confirmed_and_end_before_start(client, office, event):
    for _ in range(3):
        services.registration_create(event=event, user=UserFactory())
    url = reverse("events:edit", args=[event.slug])
    form = {
        "title": event.title,
        "slug": event.slug,
        "summary": event.summary,
        "format": event.format,
        "status": event.status,
        "municipality": event.municipality_id,
        "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(event.starts_at - DAY).strftime("%Y-%m-%dT%H:%M"),
        "venue_address": event.venue_address,
        "capacity": "2",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    body = page_text(response)
    assert "Die Veranstaltung muss nach ihrem Beginn enden" in body
    form["ends_at"] = timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, form)
    assert response.status_code == 400
    assert "3 Personen haben bereits einen bestätigten Platz" in page_text(response)
    assert 'value="2"' in response.content.decode()  # what was typed stays
    assert Event.objects.get(pk=event.pk).capacity == 10
    form["capacity"] = "12"
    assert client.post(url, form).status_code == 302
    assert Event.objects.get(pk=event.pk).capacity == 12


def test_office_creates_an_event(client, office, municipality):
    start = timezone.localtime() + 3 * DAY
    response = client.post(
        reverse("events:create"),
        {
            "title": "Neues Forum",
            "slug": "neues-forum",
            "summary": "Kurz",
            "format": "citizen_forum",
            "status": "published",
            "municipality": municipality.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + DAY / 12).strftime("%Y-%m-%dT%H:%M"),
            "venue_address": "Markt 1",
            "capacity": "20",
        },
    )
    assert response.status_code == 302
    assert Event.objects.get(slug="neues-forum").capacity == 20


def test_message_form_sends_to_registrants(client, office, event, django_capture_on_commit_callbacks):
    person = services.registration_create(event=event, user=UserFactory())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:message", args=[event.slug]), {"subject": "Raum", "body": "Wir sind in Saal 2."}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[person.email]]
    response = client.post(reverse("events:message", args=[event.slug]), {"subject": "", "body": ""})
    assert response.status_code == 400
    assert "Bitte geben Sie einen Betreff an" in page_text(response)


@pytest.fixture
def past_workshop(municipality):
    process = ProcessFactory(title="Mobilität", slug="mobilitaet")
    domain = DomainFactory(name="Mobilität", slug="mobilitaet")
    process.domains.set([domain])
    event = EventFactory(
        title="Zukunftswerkstatt Mayen", state="past", process=process, municipality=municipality
    )
    return event, domain


def test_minutes_with_attachment_are_public_once_published(client, office, past_workshop):
    event, _domain = past_workshop
    url = reverse("events:minutes", args=[event.slug])
    assert client.post(url, {"form": "minutes", "minutes": "", "publish": "on"}).status_code == 400
    client.post(url, {"form": "minutes", "minutes": "### Ergebnisse\n\n- Rufbus", "publish": "on"})
    pdf = SimpleUploadedFile("folien.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client.post(url, {"form": "attachment", "title": "Folien", "file": pdf}).status_code == 302
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(url, {"form": "attachment", "title": "Falsch", "file": fake})
    assert response.status_code == 400
    assert "Der Inhalt der Datei passt nicht zu ihrem Typ" in page_text(response)
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    assert client.post(url, {"form": "attachment", "title": "Exe", "file": exe}).status_code == 400
    assert MinutesAttachment.objects.count() == 1
    client.logout()
    body = page_text(client.get(event.get_absolute_url()))
    assert "Ergebnisse" in body
    assert "Folien" in body


def test_five_workshop_cards_become_ideas_attributed_to_the_workshop(client, office, past_workshop):
    event, domain = past_workshop
    url = reverse("events:cards", args=[event.slug])
    assert client.get(url).status_code == 200
    data = {
        "domain": domain.pk,
        "cards-TOTAL_FORMS": "6",
        "cards-INITIAL_FORMS": "0",
        "cards-MIN_NUM_FORMS": "0",
        "cards-MAX_NUM_FORMS": "50",
    }
    for index in range(5):
        data[f"cards-{index}-title"] = f"Karte {index + 1}"
    data["cards-2-text"] = "Mit **Text**"
    response = client.post(url, data)
    assert response.status_code == 302, page_text(response)[:500]
    ideas = Idea.objects.filter(source_event=event)
    assert ideas.count() == 5
    assert set(ideas.values_list("channel", flat=True)) == {Channel.EVENT}
    assert not ideas.filter(author__isnull=False).exists()
    assert {idea.assisted.public_attribution for idea in ideas} == {"Workshop Zukunftswerkstatt Mayen"}
    assert {idea.assisted.recorded_by_id for idea in ideas} == {office.pk}  # kept privately, never shown
    idea = ideas.get(title="Karte 3")
    body = page_text(client.get(idea.get_absolute_url()))
    assert "Aus der Veranstaltung „Zukunftswerkstatt Mayen“" in body
    assert office.public_name not in body
    body = page_text(client.get(event.get_absolute_url()))
    assert all(f"Karte {n}" in body for n in range(1, 6))


def test_a_half_filled_card_keeps_every_row_and_saves_nothing(client, office, past_workshop):
    event, domain = past_workshop
    data = {
        "domain": domain.pk,
        "cards-TOTAL_FORMS": "5",
        "cards-INITIAL_FORMS": "0",
        "cards-MIN_NUM_FORMS": "0",
        "cards-MAX_NUM_FORMS": "50",
        "cards-0-title": "Gute Idee",
        "cards-1-text": "Text ohne Titel",
    }
    response = client.post(reverse("events:cards", args=[event.slug]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bitte geben Sie dieser Karte einen Titel" in text(body)
    assert 'value="Gute Idee"' in body
    assert "Text ohne Titel" in body
    assert not Idea.objects.exists()


def test_workshop_cards_wait_for_the_event_and_a_process(client, office, municipality):
    upcoming = EventFactory(process=ProcessFactory())
    assert client.get(reverse("events:cards", args=[upcoming.slug])).status_code == 403
    without = EventFactory(state="past")
    assert client.get(reverse("events:cards", args=[without.slug])).status_code == 403


def test_privacy_page_names_the_retention(client, region, settings):
    settings.EVENT_PERSONAL_DATA_RETENTION_DAYS = 45
    assert "45 Tage nach der Veranstaltung gelöscht" in page_text(client.get(reverse("web:privacy")))


def test_sitemap_lists_public_events(client, municipality):
    public = EventFactory()
    draft = EventFactory(status=Event.Status.DRAFT)
    body = client.get("/sitemap.xml").content.decode()
    assert public.get_absolute_url() in body
    assert draft.get_absolute_url() not in body


def test_the_main_navigation_leads_to_the_calendar(client, db):
    body = client.get("/").content.decode()
    assert f'href="{reverse("events:calendar")}"' in body


def test_no_page_answers_500_to_odd_input(client, office, event):
    for url in (
        reverse("events:calendar") + "?page=abc&when=gestern",
        reverse("events:cancel", args=["x" * 200]),
        reverse("events:confirm", args=["nichts"]),
    ):
        assert client.get(url).status_code in (200, 400)
    assert client.post(
        reverse("events:attendees", args=[event.slug]), {"present": ["x", "1"]}
    ).status_code in (
        302,
        403,
    )


def test_a_draft_process_is_not_named_on_the_public_event_page(client, signed_in, municipality):
    """Issue 17, finding 13: the event page names its process only to those who may see the process."""
    draft = ProcessFactory(title="Geheime Planung", visibility="draft")
    event = EventFactory(municipality=municipality, process=draft)

    assert "Geheime Planung" not in client.get(event.get_absolute_url()).content.decode()
    signed_in("citizen")
    assert "Geheime Planung" not in client.get(event.get_absolute_url()).content.decode()
    signed_in("moderator")
    assert "Geheime Planung" in client.get(event.get_absolute_url()).content.decode()
