"""Demo events across the MYK municipalities: a past workshop with minutes and ideas from its cards, upcoming
events with registrations, one fully booked with a waiting list, an online dialogue. Written through the
services, so counts, queue positions and the ideas' attribution are as the site would make them."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from smartregion.accounts.models import User
from smartregion.network.models import Municipality, Organization
from smartregion.participation.models import Process
from smartregion.strategy.models import Domain

from . import services
from .models import Event, EventFormat

DAY = datetime.timedelta(days=1)
FIRST_SLUG = "zukunftswerkstatt-mobilitaet-mayen"

MINUTES = """\
### Ergebnisse der Zukunftswerkstatt

Rund 30 Teilnehmende aus Mayen und Umgebung haben an vier Thementischen gearbeitet.

- **Rufbus und Bahn:** Anschlüsse am Bahnhof Mayen Ost besser abstimmen.
- **Radverkehr:** sichere Abstellanlagen an Schulen und Haltestellen.
- **Information:** Echtzeitdaten zu Bus und Bahn an zentralen Orten.

Die Karten der Teilnehmenden sind als Ideen im Beteiligungsprozess veröffentlicht.
"""

CARDS = (
    ("Rufbus auch am Wochenende", "Der Rufbus sollte samstags und sonntags bis 22 Uhr fahren."),
    ("Fahrradboxen am Bahnhof Mayen Ost", ""),
    ("Echtzeitanzeige am Marktplatz", "Eine Anzeige, wann der nächste Bus fährt."),
    ("Mitfahrbänke in den Ortsgemeinden", ""),
    ("Sichere Radwege zur Schule", "Getrennte Radwege auf den Schulwegen."),
)


def _at(days: float, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _near(municipality: Municipality) -> dict[str, Decimal]:
    return {
        "latitude": municipality.latitude + Decimal("0.002"),
        "longitude": municipality.longitude + Decimal("0.002"),
    }


def _event(office: User, organizers: list[Organization], **data: Any) -> Event:
    data.setdefault("status", Event.Status.PUBLISHED)
    data.setdefault("summary", data["title"])
    event = services.event_create(actor=office, data=data, organizers=organizers)
    return Event.objects.select_related("process", "municipality").get(pk=event.pk)


def _register(event: Event, people: list[User]) -> None:
    for index, person in enumerate(people):
        services.registration_create(event=event, user=person, share_contact=index % 2 == 0)


def seed_events(
    *, people: list[User], municipalities: list[Municipality], process: Process | None
) -> list[Event]:
    """Seven demo events; does nothing when they exist (idempotent)."""
    if Event.objects.filter(slug=FIRST_SLUG).exists():
        return []
    places = {municipality.name: municipality for municipality in municipalities}
    office = User.objects.get(email="paul.programmbuero@example.org")
    process = process or Process.objects.order_by("created_at").first()
    citizens = list(User.objects.filter(email__startswith="buerger").order_by("email")[:12])
    citizens.insert(0, User.objects.get(email="clara.buerger@example.org"))
    host = list(Organization.objects.filter(kind=Organization.Kind.PROGRAM_OFFICE)[:1])
    events: list[Event] = []

    mayen = places["Mayen"]
    past = _event(
        office,
        host,
        title="Zukunftswerkstatt Mobilität Mayen",
        slug=FIRST_SLUG,
        summary="Wie kommen wir in Zukunft von A nach B? Eine Werkstatt zu Bus, Bahn, Rad und Mitfahren.",
        format=EventFormat.WORKSHOP,
        process=process,
        municipality=mayen,
        starts_at=_at(-20, 17),
        ends_at=_at(-20, 20),
        venue_name="Alte Stadthalle",
        venue_address="Marktplatz 1, 56727 Mayen",
        capacity=40,
        step_free=True,
        hearing_loop=True,
        **_near(mayen),
    )
    services.minutes_save(actor=office, event=past, text=MINUTES, publish=True)
    if process is not None:
        domain = (
            Domain.objects.filter(slug__contains="mobil").first() or Domain.objects.order_by("pk").first()
        )
        if domain is not None:
            services.ideas_record_from_cards(
                actor=office,
                event=past,
                cards=[services.Card(title=title, text=text) for title, text in CARDS],
                domain=domain,
            )
    events.append(past)

    andernach = places["Andernach"]
    upcoming = _event(
        office,
        host,
        title="Bürgerforum Digitale Verwaltung Andernach",
        slug="buergerforum-digitale-verwaltung-andernach",
        summary="Welche Behördengänge sollen online möglich werden? Diskutieren Sie mit der Stadtverwaltung.",
        format=EventFormat.CITIZEN_FORUM,
        process=process,
        municipality=andernach,
        starts_at=_at(14, 18),
        ends_at=_at(14, 20),
        venue_name="Historisches Rathaus",
        venue_address="Läufstraße 11, 56626 Andernach",
        capacity=60,
        step_free=True,
        sign_language_on_request=True,
        sign_language_request_by=timezone.localdate() + datetime.timedelta(days=7),
        **_near(andernach),
    )
    _register(upcoming, citizens[:6])
    events.append(upcoming)

    mendig = places["Mendig"]
    full = _event(
        office,
        host,
        title="Workshop Smarte Dörfer Mendig",
        slug="workshop-smarte-doerfer-mendig",
        summary="Dorfläden, Mitfahrbänke, digitale Dorfplätze: was brauchen die Ortsgemeinden?",
        format=EventFormat.WORKSHOP,
        process=process,
        municipality=mendig,
        starts_at=_at(10, 17),
        ends_at=_at(10, 20),
        venue_name="Vulkanbrauerei, Saal",
        venue_address="Laacher-See-Straße 2, 56743 Mendig",
        capacity=4,
        registration_closes_at=_at(9, 12),
        **_near(mendig),
    )
    _register(full, citizens[:7])
    events.append(full)

    online = _event(
        office,
        host,
        title="Online-Dialog: Offene Daten im Kreis",
        slug="online-dialog-offene-daten",
        summary="Welche Daten des Kreises sollen offen zugänglich sein? Ein Gespräch per Video.",
        format=EventFormat.ONLINE_DIALOGUE,
        process=process,
        municipality=None,
        starts_at=_at(7, 19),
        ends_at=_at(7, 20),
        online_url="https://meet.example.org/myk10-offene-daten",
        capacity=100,
    )
    _register(online, citizens[6:9])
    events.append(online)

    for name, title, slug, event_format, days in (
        (
            "Bendorf",
            "Infostand Smart Region auf dem Wochenmarkt",
            "infostand-wochenmarkt-bendorf",
            "info_stand",
            5,
        ),
        (
            "Vallendar",
            "Hybride Sitzung: Energie und Klima",
            "hybride-sitzung-energie-vallendar",
            "hybrid",
            21,
        ),
        ("Pellenz", "Zukunftswerkstatt Pellenz", "zukunftswerkstatt-pellenz", "workshop", 35),
    ):
        municipality = places[name]
        events.append(
            _event(
                office,
                host,
                title=title,
                slug=slug,
                format=event_format,
                process=process,
                municipality=municipality,
                starts_at=_at(days, 10),
                ends_at=_at(days, 13),
                venue_name=f"Bürgerhaus {name}",
                venue_address=f"Hauptstraße 1, {name}",
                online_url="https://meet.example.org/myk10-energie" if event_format == "hybrid" else "",
                capacity=None if event_format == "info_stand" else 30,
                registration_opens_at=_at(days - 14, 8) if days > 30 else None,
                step_free=event_format != "info_stand",
                **_near(municipality),
            )
        )
    return events
