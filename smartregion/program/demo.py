"""Demo program for the MYK default configuration: phases, funding sources, goals → strategies → measures
with budget, expenses, milestones, indicators, and the demo ideas the measures took up.

The demo plays on 29 November 2026, late in the strategy phase: early pilots already run or are done, so
money has flowed and milestones were reached (or missed); most of the work lies in the implementation
phase from 2027. Every write goes through the services as the program-office persona, so the demo obeys
the same invariants (money, dates, permissions) and writes the same audit history as real data. Dates the
services refuse in the future (expenses, reached milestones, indicator values) are capped at today.

Titles and figures are written for the demo; they are illustrative, not the real MYK10 plan.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.utils import timezone

from smartregion.accounts.models import User
from smartregion.core.text import slugify_de
from smartregion.network.models import Municipality, Organization
from smartregion.participation import services as participation_services
from smartregion.participation.demo import MAIN_SLUG
from smartregion.participation.models import Idea, IdeaEvent, Process
from smartregion.strategy import services as strategy_services
from smartregion.strategy.models import Domain, Goal, Measure, MeasureStatus, MonitoringState, Strategy

from . import agenda, selectors, services
from .models import (
    AgendaSnapshot,
    BudgetLine,
    Expense,
    FundingCommitment,
    FundingSource,
    Indicator,
    IndicatorTarget,
    Milestone,
    ProgramPhase,
    Responsibility,
    StaffRole,
)

SEED = 20261129
OFFICE_EMAIL = "paul.programmbuero@example.org"
CITIZEN_EMAIL = "clara.buerger@example.org"
OFFICE = "Stabsstelle Smart City"
HUNDRED = Decimal(100)
# What the measures plan together; the rest of the 17.5 M EUR stays unallocated as a reserve.
PLANNED_TOTAL = Decimal("16200000")

# The last year in which the program plans money (the region's program runs 2021 to 2027).
LAST_YEAR = 2027
LAST_YEAR_END = datetime.date(LAST_YEAR, 12, 31)
PHASES = (
    ("Strategiephase", ProgramPhase.Kind.STRATEGY, datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)),
    (
        "Umsetzungsphase",
        ProgramPhase.Kind.IMPLEMENTATION,
        datetime.date(2027, 1, 1),
        # The funding programme (network.Region.program_end) ends with 2027: no money is planned later.
        LAST_YEAR_END,
    ),
)
FEDERAL = "Bundesförderung Modellprojekte Smart Cities"
OWN_SHARE = "Eigenanteil Landkreis Mayen-Koblenz"

# Domain names (strategy/demo.py), shortened for the tables below.
WI, TO, GE, BI, KO = "Wirtschaft", "Tourismus", "Gesundheit", "Bildung", "Kommunikationsinfrastruktur"
MO, EN, UM, DS, SL = (
    "Mobilität und Verkehr",
    "Energie",
    "Umwelt",
    "Digitale Souveränität",
    "Stadt- und Landentwicklung",
)

GOALS = (
    (
        "Mobil in Stadt und Land",
        (
            "Alle Menschen im Kreis kommen ohne eigenes Auto zuverlässig ans Ziel – auch abends und in den "
            "kleinen Orten."
        ),
        (MO, EN),
    ),
    (
        "Gesund und gebildet in jedem Alter",
        "Gute Versorgung und digitale Teilhabe für alle Generationen, gerade dort, wo Wege lang sind.",
        (GE, BI),
    ),
    (
        "Klima und Umwelt schützen",
        "Daten über Wasser, Boden und Energie helfen, Ressourcen zu schonen und vor Extremwetter zu warnen.",
        (UM, EN),
    ),
    (
        "Lebendige Orte, starke Wirtschaft",
        "Ortskerne, Handel, Handwerk und Tourismus nutzen die Digitalisierung, um attraktiv zu bleiben.",
        (WI, TO, SL),
    ),
    (
        "Offene Netze, souveräne Daten",
        "Schnelle Netze, offene Daten und quelloffene Software in der Hand der Region.",
        (KO, DS),
    ),
)
# (goal index, title, summary)
STRATEGIES = (
    (0, "Mobilität auf dem Land", "Flexible Angebote ergänzen Bus und Bahn in den Dörfern."),
    (0, "Verkehr intelligent steuern", "Verkehrsdaten machen Parken, Radfahren und Pendeln einfacher."),
    (1, "Versorgung digital unterstützen", "Telemedizin und digitale Hilfen für Pflege und Notfall."),
    (1, "Digitale Bildung für alle Generationen", "Lernen mit und über digitale Werkzeuge, von 8 bis 88."),
    (2, "Umweltdaten und Frühwarnung", "Sensoren messen Pegel, Bodenfeuchte und Luftqualität."),
    (2, "Energie sparen und erzeugen", "Weniger verbrauchen, mehr selbst erzeugen, klug vernetzen."),
    (3, "Lokale Wirtschaft digital stärken", "Handel und Arbeit vor Ort, mit digitaler Unterstützung."),
    (3, "Tourismus erlebbar machen", "Digitale Angebote für Gäste und Einheimische."),
    (3, "Ortskerne beleben", "Leerstand nutzen, Ehrenamt stärken, Treffpunkte schaffen."),
    (4, "Netze und Datenplattform", "Die digitale Infrastruktur der Region, offen und vernetzt."),
    (4, "Offene und sichere Verwaltung", "Verwaltungsleistungen online, mit offener Software und sicher."),
)


@dataclass(frozen=True)
class DemoMeasure:
    """One demo measure. ``size`` weighs its budget (thousands of EUR before scaling to PLANNED_TOTAL);
    ``indicators`` are (name, unit, baseline, target)."""

    strategy: int
    title: str
    summary: str
    domains: tuple[str, ...]
    municipalities: tuple[str, ...]
    status: str
    lead: str
    partner: str
    size: int
    indicators: tuple[tuple[str, str, str, str], ...]
    published: bool = True
    overdue: bool = False


P, R, D = MeasureStatus.PLANNED, MeasureStatus.RUNNING, MeasureStatus.DONE
PA, C = MeasureStatus.PAUSED, MeasureStatus.CANCELLED
VG = "Verbandsgemeindeverwaltung"
ST = "Stadtverwaltung"

MEASURES = (
    DemoMeasure(
        0,
        "Mitfahrbänke mit digitaler Anzeige",
        "Markierte Mitfahrbänke an den Ortsausgängen zeigen auf einer kleinen Anzeige, wohin jemand "
        "mitfahren möchte. Eine einfache Web-Seite kündigt Fahrten an.",
        (MO,),
        ("Vordereifel", "Maifeld"),
        R,
        f"{VG} Vordereifel",
        "Seniorenbeirat Vordereifel",
        320,
        (
            ("Mitfahrbänke in Betrieb", "Stück", "0", "40"),
            ("Vermittelte Fahrten pro Monat", "Fahrten", "0", "300"),
        ),
    ),
    DemoMeasure(
        0,
        "On-Demand-Rufbus Maifeld und Vordereifel",
        "Ein Rufbus, per App oder Telefon bestellt, fährt abends und am Wochenende dort, wo der Linienbus "
        "nicht hinkommt.",
        (MO,),
        ("Maifeld", "Vordereifel"),
        R,
        f"{VG} Maifeld",
        "Verkehrsverbund Rhein-Mosel",
        1100,
        (("Fahrgäste pro Monat", "Fahrgäste", "0", "3000"),),
    ),
    DemoMeasure(
        0,
        "Telefonische Fahrplanauskunft ohne Smartphone",
        "Eine kostenlose Rufnummer sagt Abfahrtszeiten und Anschlüsse an – für alle, die keine App nutzen "
        "können oder wollen.",
        (MO,),
        ("Mayen",),
        P,
        f"{ST} Mayen",
        "Verkehrsverbund Rhein-Mosel",
        180,
        (("Anrufe pro Monat", "Anrufe", "0", "500"),),
    ),
    DemoMeasure(
        0,
        "Ladeinfrastruktur an Dorfgemeinschaftshäusern",
        "Öffentliche Ladepunkte an Dorfgemeinschaftshäusern, mit Lastmanagement und offener "
        "Abrechnungsschnittstelle.",
        (EN, MO),
        ("Pellenz", "Mendig"),
        R,
        f"{VG} Pellenz",
        "Energieagentur Rheinland-Pfalz",
        650,
        (("Öffentliche Ladepunkte", "Stück", "4", "40"),),
    ),
    DemoMeasure(
        1,
        "Parkleitsystem Andernach",
        "Anzeigen an den Einfahrten und eine offene Schnittstelle melden freie Parkplätze in Echtzeit und "
        "verringern den Suchverkehr in der Innenstadt.",
        (MO,),
        ("Andernach",),
        R,
        f"{ST} Andernach",
        "Stadtwerke Andernach",
        540,
        (
            ("Parkflächen mit Echtzeitdaten", "Stück", "0", "8"),
            ("Durchschnittliche Parksuchzeit", "Minuten", "9.5", "4"),
        ),
    ),
    DemoMeasure(
        1,
        "Radverbindung am Rhein mit smarter Beleuchtung",
        "Die Lücken im Radweg zwischen Andernach und Weißenthurm werden geschlossen; die Beleuchtung "
        "schaltet sich bei Bedarf ein.",
        (MO, TO),
        ("Andernach", "Weißenthurm"),
        P,
        f"{VG} Weißenthurm",
        "Landesbetrieb Mobilität Rheinland-Pfalz",
        900,
        (("Radfahrende pro Tag an der Zählstelle Urmitz", "Radfahrende", "350", "800"),),
    ),
    DemoMeasure(
        1,
        "Verkehrsdatenplattform mit automatischen Zählstellen",
        "Zählstellen für Rad-, Fuß- und Autoverkehr liefern offene Daten für Planung und Forschung.",
        (MO, DS),
        (),
        R,
        OFFICE,
        "Hochschule Koblenz",
        480,
        (("Automatische Zählstellen", "Stück", "0", "25"),),
    ),
    DemoMeasure(
        2,
        "Telemedizin-Sprechstunde in Landarztpraxen",
        "Betreute Video-Sprechstunden in Gemeindehäusern verbinden Patientinnen und Patienten ohne Auto mit "
        "ihrer Hausarztpraxis.",
        (GE,),
        ("Maifeld", "Vordereifel", "Rhein-Mosel"),
        R,
        f"{VG} Maifeld",
        "Seniorenbeirat Maifeld",
        620,
        (
            ("Video-Sprechstunden pro Quartal", "Sprechstunden", "0", "600"),
            ("Teilnehmende Praxen", "Praxen", "0", "12"),
        ),
    ),
    DemoMeasure(
        2,
        "Telenotarzt im Rettungsdienst",
        "Eine Video-Verbindung aus dem Rettungswagen holt ärztlichen Rat dazu, wenn der Notarzt "
        "weit weg ist.",
        (GE,),
        (),
        P,
        OFFICE,
        "Hochschule Koblenz",
        850,
        (("Einsätze mit Telenotarzt pro Jahr", "Einsätze", "0", "1200"),),
    ),
    DemoMeasure(
        2,
        "Digitale Pflegebörse für freie Pflegeplätze",
        "Pflegeeinrichtungen melden freie Plätze tagesaktuell; Angehörige und Sozialdienste finden sie auf "
        "einer Karte.",
        (GE, SL),
        (),
        D,
        OFFICE,
        "Seniorenbeirat Mayen",
        210,
        (("Einrichtungen, die freie Plätze melden", "Einrichtungen", "0", "60"),),
    ),
    DemoMeasure(
        2,
        "Hausnotruf-Sensorik für selbstbestimmtes Wohnen",
        "Unaufdringliche Sensoren in der Wohnung melden ungewöhnliche Ruhe an Angehörige oder den "
        "Hausnotruf – freiwillig und datensparsam.",
        (GE,),
        ("Bendorf",),
        PA,
        f"{ST} Bendorf",
        "Seniorenbeirat Bendorf",
        300,
        (("Teilnehmende Haushalte", "Haushalte", "0", "150"),),
    ),
    DemoMeasure(
        3,
        "Digitallotsen für Seniorinnen und Senioren",
        "Ehrenamtliche Digitallotsen helfen in Büchereien und Treffpunkten beim Umgang mit Tablet und "
        "Smartphone.",
        (BI,),
        ("Mendig", "Mayen", "Pellenz"),
        R,
        "Kreisvolkshochschule Mayen-Koblenz",
        "Seniorenbeirat Mendig",
        280,
        (
            ("Ausgebildete Digitallotsen", "Personen", "0", "80"),
            ("Kursteilnahmen pro Jahr", "Teilnahmen", "0", "900"),
        ),
    ),
    DemoMeasure(
        3,
        "MakerSpace und Digitalwerkstatt im Schulzentrum",
        "Eine offene Werkstatt mit 3D-Druckern, Mikrocontrollern und Laserschneider für Schulen, Vereine "
        "und Betriebe.",
        (BI, WI),
        ("Vallendar",),
        R,
        "Schulzentrum Vallendar",
        "Handwerkskammer Koblenz",
        390,
        (("Workshops pro Jahr", "Workshops", "0", "60"),),
    ),
    DemoMeasure(
        3,
        "CO₂-Ampeln und Luftmessnetz an Schulen",
        "CO₂-Ampeln in allen Klassenräumen und Messstationen vor den Schulen zeigen, wann gelüftet werden "
        "muss und wo der Verkehr die Luft belastet.",
        (UM, BI, GE),
        ("Weißenthurm", "Andernach"),
        D,
        f"{VG} Weißenthurm",
        "Schulzentrum Weißenthurm",
        160,
        (("Klassenräume mit CO₂-Ampel", "Räume", "0", "220"),),
    ),
    DemoMeasure(
        3,
        "Lernplattform für die Kreisvolkshochschule",
        "Eine quelloffene Lernplattform für Online- und Hybridkurse, betrieben im Rechenzentrum des Kreises.",
        (BI, DS),
        (),
        R,
        "Kreisvolkshochschule Mayen-Koblenz",
        "Open Source Business Alliance",
        240,
        (("Online-Kursplätze pro Semester", "Plätze", "120", "1000"),),
    ),
    DemoMeasure(
        4,
        "LoRaWAN-Netz für Pegel- und Bodenfeuchtesensoren",
        "Ein kreisweites Funknetz für Sensoren misst Pegel an kleinen Bächen und die Bodenfeuchte auf "
        "Streuobstwiesen; die Werte stehen offen auf einer Karte.",
        (UM, KO),
        ("Rhein-Mosel", "Pellenz", "Vordereifel"),
        R,
        f"{VG} Rhein-Mosel",
        "Hochschule Koblenz",
        870,
        (
            ("LoRaWAN-Gateways in Betrieb", "Stück", "0", "45"),
            ("Pegelsensoren an Gewässern", "Stück", "0", "35"),
        ),
    ),
    DemoMeasure(
        4,
        "Hochwasser-Frühwarnung für kleine Gewässer",
        "Aus Pegel- und Niederschlagsdaten berechnet ein Modell, wann kleine Bäche über die Ufer treten, "
        "und warnt über die Warn-App.",
        (UM,),
        ("Mayen", "Rhein-Mosel"),
        R,
        f"{ST} Mayen",
        "Fraunhofer-Institut für Experimentelles Software Engineering",
        700,
        (("Vorwarnzeit vor Ausuferung", "Stunden", "0.5", "4"),),
        overdue=True,
    ),
    DemoMeasure(
        4,
        "Smarte Bewässerung für Stadtbäume",
        "Bodenfeuchtesensoren an Jungbäumen melden, wann gegossen werden muss; die Gießtouren werden danach "
        "geplant.",
        (UM,),
        ("Andernach", "Bendorf"),
        D,
        f"{ST} Andernach",
        "Stadtwerke Bendorf",
        190,
        (
            ("Bäume mit Bodenfeuchtesensor", "Bäume", "0", "300"),
            ("Gießwasser pro Baum und Jahr", "Liter", "900", "600"),
        ),
    ),
    DemoMeasure(
        4,
        "Füllstandssensoren für Glascontainer",
        "Sensoren melden volle Container, damit Leerungstouren nur fahren, wo es nötig ist.",
        (UM,),
        ("Weißenthurm", "Mendig"),
        C,
        f"{VG} Mendig",
        "",
        120,
        (("Container mit Sensor", "Container", "0", "120"),),
    ),
    DemoMeasure(
        5,
        "Intelligente Straßenbeleuchtung",
        "LED-Leuchten mit Bewegungsmeldern dimmen Nebenstraßen nachts herunter und leuchten nur bei Bedarf "
        "heller – das spart Strom und schont Insekten.",
        (EN, UM),
        ("Bendorf", "Vallendar"),
        R,
        "Stadtwerke Bendorf",
        f"{ST} Bendorf",
        760,
        (("Stromverbrauch der Straßenbeleuchtung", "MWh pro Jahr", "1450", "900"),),
    ),
    DemoMeasure(
        5,
        "Energiemonitoring kommunaler Gebäude",
        "Smarte Zähler in Schulen, Hallen und Rathäusern zeigen den Verbrauch in Echtzeit und decken "
        "Einsparmöglichkeiten auf.",
        (EN,),
        (),
        R,
        OFFICE,
        "Energieagentur Rheinland-Pfalz",
        520,
        (("Gebäude mit smartem Zähler", "Gebäude", "0", "120"),),
    ),
    DemoMeasure(
        5,
        "Solarkataster und Bürgerenergie-Beratung",
        "Ein Solarkataster zeigt, welche Dächer sich eignen; eine Beratung hilft Bürgerinnen, Betrieben und "
        "Genossenschaften beim Einstieg.",
        (EN, WI),
        ("Andernach", "Weißenthurm"),
        R,
        "Stadtwerke Andernach",
        "Gewerbeverein Andernach",
        260,
        (("Energieberatungen pro Jahr", "Beratungen", "0", "400"),),
    ),
    DemoMeasure(
        5,
        "Virtuelles Kraftwerk der Stadtwerke",
        "Die Stadtwerke vernetzen Solaranlagen, Speicher und Blockheizkraftwerke zu einem gemeinsam "
        "gesteuerten virtuellen Kraftwerk.",
        (EN, DS),
        ("Andernach", "Mayen", "Bendorf"),
        P,
        "Stadtwerke Mayen",
        "Stadtwerke Andernach",
        950,
        (("Vernetzte Erzeugungsleistung", "kW", "0", "5000"),),
    ),
    DemoMeasure(
        6,
        "Online-Schaufenster für den Einzelhandel",
        "Eine gemeinsame Seite zeigt Angebote, Öffnungszeiten und Abholung im Laden – ohne eigenen Webshop.",
        (WI,),
        ("Mayen", "Andernach"),
        R,
        "Gewerbeverein Mayen",
        "Industrie- und Handelskammer Koblenz",
        310,
        (("Teilnehmende Geschäfte", "Geschäfte", "0", "150"),),
    ),
    DemoMeasure(
        6,
        "Coworking-Spaces in Bahnhöfen und Ortskernen",
        "Arbeitsplätze mit schneller Leitung in leerstehenden Bahnhofs- und Ladengebäuden sparen Pendelwege "
        "und beleben die Orte.",
        (WI, SL),
        ("Mendig", "Maifeld"),
        R,
        f"{VG} Mendig",
        "Gewerbeverein Mendig",
        560,
        (("Gebuchte Arbeitsplatz-Tage pro Monat", "Tage", "0", "400"),),
    ),
    DemoMeasure(
        6,
        "Digitaler Dorfladen mit Abholstation",
        "Ein Dorfladen mit Online-Bestellung und einer rund um die Uhr zugänglichen Abholstation versorgt "
        "Orte ohne Geschäft.",
        (WI, SL),
        ("Vordereifel",),
        D,
        "Bürgerverein Vordereifel",
        f"{VG} Vordereifel",
        230,
        (("Bestellungen pro Monat", "Bestellungen", "0", "450"),),
    ),
    DemoMeasure(
        7,
        "Digitale Erlebnisführung Vulkanpark",
        "Eine App mit Offline-Karten, Hörstationen und Hinweisen zu Sperrungen führt über die Vulkan-Pfade.",
        (TO, BI),
        ("Mendig", "Mayen"),
        R,
        f"{VG} Mendig",
        "Bürgerverein Mendig",
        420,
        (("Downloads der Erlebnis-App", "Downloads", "0", "25000"),),
    ),
    DemoMeasure(
        7,
        "Hörstationen und QR-Infotafeln an den Rheinanlagen",
        "Infotafeln mit QR-Codes führen zu Hörbeiträgen über die Stadtgeschichte, auch in leichter Sprache "
        "und auf Englisch.",
        (TO, BI),
        ("Andernach",),
        D,
        f"{ST} Andernach",
        "Bürgerverein Andernach",
        150,
        (("Abrufe der Hörbeiträge pro Monat", "Abrufe", "0", "2000"),),
    ),
    DemoMeasure(
        8,
        "Digitales Leerstands- und Flächenmanagement",
        "Ein gemeinsames Kataster zeigt leerstehende Läden, Wohnungen und Flächen und bringt sie mit "
        "Suchenden zusammen.",
        (SL,),
        ("Vallendar", "Bendorf", "Maifeld"),
        R,
        f"{VG} Vallendar",
        "Entwicklungsagentur Rheinland-Pfalz",
        360,
        (("Erfasste Leerstände", "Objekte", "0", "400"), ("Wieder genutzte Objekte", "Objekte", "0", "60")),
    ),
    DemoMeasure(
        8,
        "Kreisweite Ehrenamtsplattform",
        "Vereine und Initiativen suchen Helfende, Menschen finden eine Aufgabe – auf einer Plattform für den "
        "ganzen Kreis.",
        (SL,),
        (),
        R,
        OFFICE,
        "Bürgerverein Andernach",
        200,
        (("Vermittelte Ehrenamtliche", "Personen", "0", "500"),),
    ),
    DemoMeasure(
        8,
        "Digitale Dorfplätze in Dorfgemeinschaftshäusern",
        "Dorfgemeinschaftshäuser erhalten WLAN, Videotechnik und ein Buchungssystem und werden so zu "
        "digitalen Treffpunkten.",
        (SL, KO),
        ("Vordereifel", "Maifeld", "Mendig"),
        P,
        f"{VG} Vordereifel",
        "Bürgerverein Maifeld",
        450,
        (("Ausgestattete Dorfgemeinschaftshäuser", "Häuser", "0", "30"),),
        published=False,
    ),
    DemoMeasure(
        8,
        "3D-Stadtmodell und digitaler Zwilling Mayen",
        "Ein 3D-Modell der Stadt hilft bei Bauleitplanung, Starkregenvorsorge und Bürgerbeteiligung.",
        (SL, DS),
        ("Mayen",),
        PA,
        f"{ST} Mayen",
        "Hochschule Koblenz",
        640,
        (("Modellierte Fläche", "km²", "0", "58"),),
    ),
    DemoMeasure(
        9,
        "Open-Data-Portal MYK",
        "Kreis und Kommunen veröffentlichen ihre Daten offen und maschinenlesbar – von Fahrplänen bis zu "
        "Messwerten der Sensoren.",
        (DS, KO),
        (),
        R,
        OFFICE,
        "Open Source Business Alliance",
        480,
        (
            ("Veröffentlichte Datensätze", "Datensätze", "12", "250"),
            ("Abrufe pro Monat", "Abrufe", "0", "20000"),
        ),
    ),
    DemoMeasure(
        9,
        "Freies WLAN an Bahnhöfen und Dorfplätzen",
        "Freies, datensparsames WLAN an Bahnsteigen, Busbahnhöfen und zentralen Plätzen.",
        (KO,),
        ("Mayen", "Andernach", "Pellenz"),
        R,
        "Stadtwerke Mayen",
        f"{ST} Andernach",
        420,
        (("WLAN-Zugangspunkte", "Stück", "0", "90"),),
        overdue=True,
    ),
    DemoMeasure(
        9,
        "Glasfaser-Lückenschluss für Außenbereiche",
        "Aussiedlerhöfe, Gewerbe und Weiler außerhalb der Orte werden an das Glasfasernetz angeschlossen.",
        (KO, WI),
        ("Vordereifel", "Maifeld"),
        P,
        f"{VG} Vordereifel",
        "Gewerbeverein Vordereifel",
        1300,
        (("Angeschlossene Gebäude im Außenbereich", "Gebäude", "0", "260"),),
    ),
    DemoMeasure(
        9,
        "Urbane Datenplattform als regionale Datendrehscheibe",
        "Eine quelloffene Datenplattform sammelt Sensor- und Verwaltungsdaten und stellt sie Anwendungen "
        "und dem Open-Data-Portal bereit.",
        (DS, KO),
        (),
        R,
        OFFICE,
        "Fraunhofer-Institut für Experimentelles Software Engineering",
        990,
        (("Angebundene Datenquellen", "Quellen", "0", "80"),),
        overdue=True,
    ),
    DemoMeasure(
        10,
        "Digitale Bürgerdienste-Plattform der Verbandsgemeinden",
        "Anträge, Termine und ein Mängelmelder auf einer gemeinsamen Plattform der Verbandsgemeinden – "
        "online und barrierefrei.",
        (DS, SL),
        ("Rhein-Mosel", "Pellenz", "Maifeld"),
        R,
        f"{VG} Rhein-Mosel",
        OFFICE,
        1000,
        (("Online verfügbare Verwaltungsleistungen", "Leistungen", "35", "180"),),
    ),
    DemoMeasure(
        10,
        "Open-Source-Strategie für Kreis und Kommunen",
        "Kreis und Kommunen beschaffen Software gemeinsam und bevorzugen quelloffene Lösungen, die andere "
        "Regionen mitnutzen können.",
        (DS,),
        (),
        R,
        OFFICE,
        "Open Source Business Alliance",
        230,
        (("Anteil quelloffener Fachverfahren", "Prozent", "8", "40"),),
    ),
    DemoMeasure(
        10,
        "Souveräne Regional-Cloud im Kreisrechenzentrum",
        "Das Rechenzentrum des Kreises bietet Kommunen, Schulen und Vereinen datenschutzfreundliche "
        "Cloud-Dienste aus der Region.",
        (DS, KO),
        (),
        P,
        OFFICE,
        "Open Source Business Alliance",
        880,
        (("Angebundene Organisationen", "Organisationen", "0", "150"),),
    ),
    DemoMeasure(
        10,
        "Informationssicherheit in den Kommunalverwaltungen",
        "Gemeinsame Sicherheitsstandards, Schulungen und ein Notfallplan für alle zehn Verwaltungen.",
        (DS,),
        (),
        P,
        OFFICE,
        "",
        380,
        (("Geschulte Beschäftigte", "Personen", "0", "900"),),
        published=False,
    ),
)
# Measures (by title) that stay unpublished drafts besides those marked in MEASURES.
EXTRA_DRAFTS = ("Virtuelles Kraftwerk der Stadtwerke",)

PAUSE_REASONS = {
    "Hausnotruf-Sensorik für selbstbestimmtes Wohnen": (
        "Die Datenschutz-Folgenabschätzung wartet auf die Stellungnahme des Landesdatenschutzbeauftragten; "
        "bis dahin ruht die Ausschreibung."
    ),
    "3D-Stadtmodell und digitaler Zwilling Mayen": (
        "Die Befliegung für die Geodaten verschiebt sich auf das Frühjahr 2027; bis dahin ruht die "
        "Modellierung."
    ),
}
CANCEL_REASON = (
    "Der Abfallzweckverband führt kreisweit ein eigenes System ein; eine zweite Lösung wäre doppelt "
    "finanziert. Die Daten der Testphase gehen an den Verband."
)
MANUAL_PROGRESS = {
    "Solarkataster und Bürgerenergie-Beratung": (
        55,
        (
            "Das Solarkataster ist online und die Beratung läuft seit Juni; die Meilensteine bilden "
            "die laufende Beratung nicht ab."
        ),
    ),
    "Füllstandssensoren für Glascontainer": (
        25,
        "Nach dem Test mit 20 Containern eingestellt; der Fortschritt zeigt den Stand bei der Einstellung.",
    ),
}
OVERRIDE_MEASURE = "Parkleitsystem Andernach"
OVERRIDE_REASON = (
    "Nachtrag für eine zusätzliche Anzeigetafel an der Einfahrt Kölner Straße; die Vertragsanpassung folgt."
)

# The steps of a measure depend on what it builds: sensors and lights are installed, software goes
# online, a service for people starts with trained staff, a strategy ends with a council decision.
MILESTONE_PLANS = {
    "installation": (
        "Standorte mit den Kommunen festgelegt",
        "Ausschreibung veröffentlicht",
        "Auftrag vergeben",
        "Erste Standorte ausgestattet",
        "Messwerte bzw. Betrieb ein Quartal ausgewertet",
        "Alle Standorte in Betrieb",
    ),
    "software": (
        "Anforderungen mit künftigen Nutzerinnen und Nutzern erhoben",
        "Datenschutz-Folgenabschätzung abgeschlossen",
        "Prototyp mit Testgruppe erprobt",
        "Erste Version online",
        "Barrierefreiheit geprüft",
        "Übergabe in den Regelbetrieb",
    ),
    "service": (
        "Kooperationspartner gewonnen",
        "Konzept mit den Kommunen abgestimmt",
        "Personal geschult",
        "Angebot in der ersten Kommune gestartet",
        "Erfahrungen der Teilnehmenden ausgewertet",
        "Angebot kreisweit verfügbar",
    ),
    "strategy": (
        "Bestandsaufnahme abgeschlossen",
        "Workshops mit Verwaltung und Öffentlichkeit durchgeführt",
        "Entwurf vorgelegt",
        "Stellungnahmen der Kommunen eingearbeitet",
        "Beschluss im Kreistag",
    ),
}
# Which plan a measure follows, by words in its title (first match), else by its first domain of life.
PLAN_BY_WORD = (
    ("strategie", "strategy"),
    ("konzept", "strategy"),
    ("plattform", "software"),
    ("portal", "software"),
    ("app", "software"),
    ("kataster", "software"),
    ("management", "software"),
    ("auskunft", "service"),
    ("lotsen", "service"),
    ("sprechstunde", "service"),
    ("rufbus", "service"),
    ("dorfladen", "service"),
)
PLAN_BY_DOMAIN = {
    MO: "installation",
    EN: "installation",
    UM: "installation",
    KO: "installation",
    GE: "service",
    BI: "service",
    DS: "software",
    WI: "service",
    TO: "software",
    SL: "service",
}


# Running measures whose outcome indicator has no dated baseline yet (flagged on the dashboard).
WITHOUT_OUTCOME_BASELINE = frozenset(
    {"Kreisweite Ehrenamtsplattform", "Coworking-Spaces in Bahnhöfen und Ortskernen"}
)


def milestone_steps(spec: DemoMeasure) -> tuple[str, ...]:
    """The milestone plan that fits what the measure does."""
    title = spec.title.casefold()
    for word, plan in PLAN_BY_WORD:
        if word in title:
            return MILESTONE_PLANS[plan]
    return MILESTONE_PLANS[PLAN_BY_DOMAIN.get(spec.domains[0], "installation")]


COMMITMENTS = (
    "Auftrag Hardware und Installation",
    "Dienstleistungsvertrag Projektsteuerung",
    "Werkvertrag Softwareentwicklung",
    "Rahmenvertrag Wartung und Betrieb",
    "Auftrag Konzeption und Beteiligung",
)
PAYMENTS = ("Abschlagsrechnung", "Teilrechnung", "Rechnung")

# (idea title, measure title, public note)
IDEA_LINKS = (
    (
        "Mitfahrbänke in den Dörfern der Vordereifel",
        "Mitfahrbänke mit digitaler Anzeige",
        "Die ersten Bänke stehen in der Vordereifel; die Anzeige zeigt das Ziel der Wartenden.",
    ),
    (
        "Rufbus für die Abendstunden",
        "On-Demand-Rufbus Maifeld und Vordereifel",
        "Der Rufbus fährt im Maifeld montags bis samstags bis 23 Uhr.",
    ),
    (
        "Fahrplanauskunft am Telefon für Menschen ohne Smartphone",
        "Telefonische Fahrplanauskunft ohne Smartphone",
        "Die Idee wird 2027 als eigene Maßnahme umgesetzt.",
    ),
    (
        "Ladesäulen auf Dorfparkplätzen",
        "Ladeinfrastruktur an Dorfgemeinschaftshäusern",
        "Statt auf Parkplätzen entstehen die Ladepunkte an den Dorfgemeinschaftshäusern.",
    ),
    (
        "Parkleitsystem mit freien Plätzen in Echtzeit",
        "Parkleitsystem Andernach",
        "Die offene Schnittstelle kommt, wie vorgeschlagen, mit.",
    ),
    (
        "Sichere Radverbindung von Andernach nach Weißenthurm",
        "Radverbindung am Rhein mit smarter Beleuchtung",
        "Die Beleuchtung mit Bewegungsmeldern aus der Diskussion ist Teil der Planung.",
    ),
    (
        "Video-Sprechstunde beim Hausarzt",
        "Telemedizin-Sprechstunde in Landarztpraxen",
        "Die erste betreute Sprechstunde läuft im Gemeindehaus in Polch.",
    ),
    (
        "Tablet-Kurse in der Bücherei",
        "Digitallotsen für Seniorinnen und Senioren",
        "Die Digitallotsen bieten ihre Sprechstunden auch in den Büchereien an.",
    ),
    (
        "Pegel-Sensoren an Nette und Mosel",
        "LoRaWAN-Netz für Pegel- und Bodenfeuchtesensoren",
        "Die ersten Pegelsensoren messen an der Nette; die Werte stehen im Open-Data-Portal.",
    ),
    (
        "Straßenlaternen, die nachts herunterdimmen",
        "Intelligente Straßenbeleuchtung",
        "Bendorf beginnt mit den Nebenstraßen der Innenstadt.",
    ),
    (
        "Digitaler Dorfladen mit Abholstation",
        "Digitaler Dorfladen mit Abholstation",
        "Der Dorfladen hat im Sommer 2026 eröffnet.",
    ),
    (
        "Leerstandskataster für die Ortskerne",
        "Digitales Leerstands- und Flächenmanagement",
        "Das Kataster erfasst Läden, Wohnungen und Flächen in drei Kommunen.",
    ),
    (
        "Mängelmelder für Schlaglöcher und defekte Laternen",
        "Digitale Bürgerdienste-Plattform der Verbandsgemeinden",
        "Der Mängelmelder wird ein Teil der Bürgerdienste-Plattform.",
    ),
    (
        "Offene Software in den Verwaltungen",
        "Open-Source-Strategie für Kreis und Kommunen",
        "Der Kreistag hat die Open-Source-Strategie im Oktober 2026 beschlossen.",
    ),
)
# The citizen persona's own ideas (the participation demo gives her none): the first is taken up, so the
# demo shows her what became of it; the second stays open for a measure still to come.
# (title, body, domains, municipality, days ago, measure or "", public note)
CITIZEN_IDEAS = (
    (
        "Offene Daten des Kreises für alle",
        (
            "Fahrpläne, Messwerte, Haushaltsdaten: Was der Kreis ohnehin erhebt, sollte offen im Netz "
            "stehen, damit Vereine, Schulen und Tüftlerinnen damit eigene Anwendungen bauen können."
        ),
        (DS,),
        "Mayen",
        48,
        "Open-Data-Portal MYK",
        "Ihre Idee ist der Kern des Open-Data-Portals; die ersten Datensätze sind veröffentlicht.",
    ),
    (
        "Mitfahrbank am Ortsausgang von Polch",
        (
            "Von Polch fahren morgens viele nach Mayen und Koblenz. Eine Mitfahrbank am Ortsausgang, an der "
            "man sein Ziel anzeigen kann, wäre eine einfache Hilfe für alle ohne Auto."
        ),
        (MO,),
        "Maifeld",
        22,
        "",
        "",
    ),
)


def _cent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _hundreds(value: Decimal) -> Decimal:
    """Rounded down to whole hundreds of euros, as plans are written."""
    return _cent((value / HUNDRED).to_integral_value(rounding=ROUND_FLOOR) * HUNDRED)


class _Planner:
    """Writes one measure's program data through the services, as the program office."""

    def __init__(self, *, office: User, sources: dict[str, FundingSource], today: datetime.date) -> None:
        self.office = office
        self.sources = sources
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not security

    def past(self, day: datetime.date) -> datetime.date:
        return min(day, self.today)

    def day_in(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A day from first to last (at most today); first itself when the window is empty, so that a
        payment never comes before its commitment."""
        last = self.past(last)
        if last <= first:
            return self.past(first)
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def years(self, spec: DemoMeasure, not_before: datetime.date | None) -> range:
        """The years a measure plans money in: within the program (up to LAST_YEAR), and not before the
        ideas it took up were published."""
        rng = self.rng
        if spec.status == D:
            return range(2025, 2027)
        if spec.status == C:
            return range(2025, 2026)
        if spec.status == PA:
            return range(2026, LAST_YEAR + 1)
        if spec.status == R:
            start = rng.choice((2025, 2025, 2026))
            return range(max(start, not_before.year if not_before else start), LAST_YEAR + 1)
        return range(LAST_YEAR, LAST_YEAR + 1)

    def budget(self, measure: Measure, total: Decimal, years: range) -> list[BudgetLine]:
        rng = self.rng
        rate = Decimal(rng.choice(("0.65", "0.65", "0.65", "0.62", "0.60")))
        weights = [Decimal(str(round(rng.uniform(0.7, 1.3), 2))) for _year in years]
        amounts = [_hundreds(total * weight / sum(weights)) for weight in weights]
        amounts[-1] += total - sum(amounts)
        lines = []
        for year, amount in zip(years, amounts, strict=True):
            federal = _hundreds(amount * rate)
            for source, planned in (
                (self.sources[FEDERAL], federal),
                (self.sources[OWN_SHARE], amount - federal),
            ):
                lines.append(
                    services.budget_line_set(
                        actor=self.office, measure=measure, source=source, year=year, planned=planned
                    )
                )
        return lines

    def expenses(self, spec: DemoMeasure, lines: list[BudgetLine], not_before: datetime.date | None) -> None:
        """Commitments and payments on the lines of past years and this year, all dated in the past (and
        after the ideas the measure took up)."""
        rng = self.rng
        for line in lines:
            if spec.status == P or line.year > self.today.year:
                continue
            closed = spec.status in (D, C) or line.year < self.today.year
            committed = _hundreds(
                line.planned * Decimal(str(round(rng.uniform(*((0.95, 1.0) if closed else (0.55, 0.9))), 3)))
            )
            if committed <= 0:
                continue
            # Larger sums are committed in two contracts, the second later in the year.
            first_part = committed if committed < 20000 else _hundreds(committed * Decimal("0.6"))
            opens = max(datetime.date(line.year, 1, 15), not_before or datetime.date.min)
            signed_on = self.day_in(opens, datetime.date(line.year, 4, 30))
            for part in (first_part, committed - first_part):
                if part <= 0:
                    continue
                services.expense_book(
                    actor=self.office,
                    budget_line=line,
                    kind=Expense.Kind.COMMITMENT,
                    amount=part,
                    booked_on=signed_on,
                    description=rng.choice(COMMITMENTS),
                    document_reference=f"V-{line.year}-{rng.randint(100, 999)}",
                )
                signed_on = self.day_in(signed_on, datetime.date(line.year, 8, 31))
            if spec.status in (D, C):
                paid_share = 1.0
            else:
                paid_share = round(rng.uniform(*((0.85, 1.0) if closed else (0.4, 0.85))), 3)
            to_pay = _hundreds(committed * Decimal(str(paid_share)))
            count = rng.randint(1, 3)
            instalment = _hundreds(to_pay / count)
            day = signed_on
            for number in range(count):
                amount = to_pay - instalment * (count - 1) if number == count - 1 else instalment
                if amount <= 0:
                    continue
                day = self.day_in(day, datetime.date(line.year, 12, 15))
                services.expense_book(
                    actor=self.office,
                    budget_line=line,
                    kind=Expense.Kind.PAYMENT,
                    amount=amount,
                    booked_on=day,
                    description=f"{rng.choice(PAYMENTS)} {number + 1}",
                    document_reference=f"R-{line.year}-{rng.randint(1000, 9999)}",
                )

    def milestones(
        self, spec: DemoMeasure, measure: Measure, years: range, not_before: datetime.date | None
    ) -> None:
        rng = self.rng
        plan = milestone_steps(spec)
        count = rng.randint(3, 4) if spec.status == D else 2 if spec.status == C else rng.randint(2, 5)
        count = min(count, len(plan))
        steps = [0, *sorted(rng.sample(range(1, len(plan) - 1), count - 2)), len(plan) - 1]
        start = datetime.date(years[0], 3, 31) if years[0] == 2025 else datetime.date(years[0], 2, 28)
        if not_before:
            start = max(start, not_before + datetime.timedelta(days=30))
        end = datetime.date(years[-1], 11, 30)
        if spec.status in (D, C):
            end = min(end, self.today - datetime.timedelta(days=45))
        span = (end - start).days
        added = []
        for index, step in enumerate(steps):
            due_on = start + datetime.timedelta(days=span * index // (count - 1))
            added.append(
                services.milestone_add(actor=self.office, measure=measure, title=plan[step], due_on=due_on)
            )
        past = [milestone for milestone in added if milestone.due_on < self.today]
        # Paused measures and those marked overdue leave their latest due milestone open.
        if spec.status == PA or spec.overdue:
            past = past[:-1]
        for milestone in past:
            done_on = self.past(milestone.due_on + datetime.timedelta(days=rng.randint(-25, 12)))
            done_on = max(done_on, not_before or done_on)
            services.milestone_set_done(actor=self.office, milestone=milestone, done_on=done_on)

    def indicators(self, spec: DemoMeasure, measure: Measure, years: range) -> None:
        rng = self.rng
        target_on = datetime.date(years[-1], 12, 31)
        start = datetime.date(years[0], 1, 31) if years[0] <= self.today.year else datetime.date(2026, 6, 30)
        for position, (name, unit, baseline_text, target_text) in enumerate(spec.indicators):
            baseline, target = Decimal(baseline_text), Decimal(target_text)
            # The first indicator measures the outcome (BBSR), the others what the measure delivers. A
            # few running measures lack the outcome baseline's date, so the dashboard has something to flag.
            outcome = position == 0 and spec.title not in WITHOUT_OUTCOME_BASELINE
            indicator = Indicator.objects.create(
                measure=measure,
                name=name,
                unit=unit,
                kind=Indicator.Kind.OUTCOME if position == 0 else Indicator.Kind.OUTPUT,
                baseline=baseline,
                baseline_on=self.past(start) if outcome or position else None,
                baseline_source="Erhebung im Strategieprozess" if outcome or position else "",
                target=target,
                target_on=target_on,
                cadence=(Indicator.Cadence.QUARTERLY, Indicator.Cadence.YEARLY)[position % 2],
            )
            IndicatorTarget.objects.bulk_create(
                [
                    IndicatorTarget(
                        indicator=indicator,
                        year=year,
                        value=_cent(baseline + (target - baseline) * (step + 1) / len(years)),
                    )
                    for step, year in enumerate(years)
                ]
            )
            services.indicator_value_add(
                actor=self.office,
                indicator=indicator,
                measured_on=self.past(start),
                value=baseline,
                source="Erhebung im Strategieprozess (Ausgangswert)",
            )
            if spec.status in (P, C):
                continue
            reached = 1.0 if spec.status == D else rng.uniform(0.25, 0.7)
            later = rng.randint(1, 3)
            first = self.past(start + datetime.timedelta(days=120))
            for number in range(1, later + 1):
                measured_on = first + (self.today - first) * number // (later + 1)
                share = Decimal(str(reached * number / later))
                value = baseline + (target - baseline) * share
                value = value.quantize(Decimal(1)) if baseline == baseline.to_integral() else _cent(value)
                if measured_on <= start:
                    continue
                services.indicator_value_add(
                    actor=self.office,
                    indicator=indicator,
                    measured_on=measured_on,
                    value=value,
                    source=rng.choice(
                        (
                            "Betriebsdaten des Projekts",
                            "Zählung der Stabsstelle Smart City",
                            f"Quartalsbericht: {spec.lead}",
                        )
                    ),
                )

    def status(self, spec: DemoMeasure, measure: Measure) -> None:
        if spec.status == P:
            return
        services.measure_set_status(actor=self.office, measure=measure, status=R)
        if spec.status == PA:
            services.measure_set_status(
                actor=self.office, measure=measure, status=PA, reason=PAUSE_REASONS[spec.title]
            )
        elif spec.status == C:
            services.measure_set_status(actor=self.office, measure=measure, status=C, reason=CANCEL_REASON)
        elif spec.status == D:
            services.measure_set_status(actor=self.office, measure=measure, status=D)
        if spec.title in MANUAL_PROGRESS:
            progress, reason = MANUAL_PROGRESS[spec.title]
            services.measure_set_progress(
                actor=self.office, measure=measure, progress=progress, reason=reason
            )


def _tree(domains: dict[str, Domain]) -> list[Strategy]:
    goals = []
    for position, (title, summary, goal_domains) in enumerate(GOALS):
        goal, _created = Goal.objects.update_or_create(
            slug=slugify_de(title), defaults={"title": title, "summary": summary, "position": position}
        )
        goal.domains.set([domains[name] for name in goal_domains])
        goals.append(goal)
    strategies = []
    for position, (goal_index, title, summary) in enumerate(STRATEGIES):
        strategy, _created = Strategy.objects.update_or_create(
            slug=slugify_de(title),
            defaults={"goal": goals[goal_index], "title": title, "summary": summary, "position": position},
        )
        strategies.append(strategy)
    return strategies


def _citizen_ideas(people: list[User], places: dict[str, Municipality], domains: dict[str, Domain]) -> None:
    """The citizen persona's ideas in the main process, unless she has ideas there already."""
    citizen = next((person for person in people if person.email == CITIZEN_EMAIL), None)
    process = Process.objects.filter(slug=MAIN_SLUG).first()
    if citizen is None or process is None or Idea.objects.filter(process=process, author=citizen).exists():
        return
    for title, body, idea_domains, place, days_ago, _measure, _note in CITIZEN_IDEAS:
        idea = participation_services.idea_create(
            author=citizen,
            process=process,
            title=title,
            body=body,
            domains=[domains[name] for name in idea_domains],
            municipality=places.get(place),
        )
        when = timezone.now() - datetime.timedelta(days=days_ago)
        Idea.objects.filter(pk=idea.pk).update(created_at=when, published_at=when)
        IdeaEvent.objects.filter(idea=idea).update(created_at=when)


def _link_ideas(
    office: User, measures: dict[str, Measure], specs: dict[str, DemoMeasure]
) -> dict[str, datetime.date]:
    """Take the demo ideas up into their measures (those that exist and are still open to it); returns,
    per measure title, the day its newest idea was published: its work (money, milestones) starts later.

    A measure finished or cancelled before the idea was written cannot have taken it up, so those links
    are left out.
    """
    ideas = {idea.title: idea for idea in Idea.objects.filter(process__slug=MAIN_SLUG).order_by("pk")}
    links = [*IDEA_LINKS, *((idea[0], idea[5], idea[6]) for idea in CITIZEN_IDEAS if idea[5])]
    since: dict[str, datetime.date] = {}
    for idea_title, measure_title, note in links:
        idea = ideas.get(idea_title)
        if idea is None or idea.status not in strategy_services.LINKABLE_IDEA_STATUSES:
            continue
        if specs[measure_title].status in (D, C):
            continue
        strategy_services.idea_link(actor=office, measure=measures[measure_title], idea=idea, note=note)
        published = timezone.localdate(idea.published_at or idea.created_at)
        since[measure_title] = max(since.get(measure_title, published), published)
    return since


def _override_payment(office: User, measure: Measure) -> None:
    """One payment beyond the commitment (the open rest plus a supplement), with the reason history keeps."""
    line = (
        BudgetLine.objects.filter(measure=measure, committed__gt=0)
        .order_by("year", "source__position")
        .first()
    )
    if line is None:
        return
    services.expense_book(
        actor=office,
        budget_line=line,
        kind=Expense.Kind.PAYMENT,
        amount=line.committed - line.spent + Decimal("4800.00"),
        booked_on=min(datetime.date(line.year, 11, 20), timezone.localdate()),
        description="Rechnung zusätzliche Anzeigetafel",
        document_reference=f"R-{line.year}-0815",
        override_reason=OVERRIDE_REASON,
    )


# The funding commitments (Zuwendungsbescheide) of the two phases; their dates start the proof-of-use clock.
COMMITMENTS_BY_PHASE = {
    ProgramPhase.Kind.STRATEGY: ("ZB 436-SC-2024-0117", datetime.date(2024, 11, 14)),
    ProgramPhase.Kind.IMPLEMENTATION: ("ZB 436-SC-2026-0342", datetime.date(2026, 10, 22)),
}
STAFF_ROLES = (
    ("Chief Digital Officer (A 15)", Decimal("89.50")),
    ("Projektleitung (E 13)", Decimal("72.40")),
    ("Sachbearbeitung (E 9b)", Decimal("55.80")),
)
STAFF_TASKS = (
    "Steuerungsrunde mit der Kommune",
    "Ausschreibung vorbereitet",
    "Abstimmung mit dem Datenschutz",
    "Workshop mit Bürgerinnen und Bürgern",
    "Projektbericht für den Kreisausschuss",
)


def _funder(office: User, federal: FundingSource, measures: list[Measure]) -> None:
    """The funder's side: the commitments of both phases, own staff effort on the running measures, and
    quarterly fund calls for the federal payments of past quarters, received some weeks later."""
    rng = random.Random(SEED + 14)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    for phase in ProgramPhase.objects.all():
        number, committed_on = COMMITMENTS_BY_PHASE[ProgramPhase.Kind(phase.kind)]
        FundingCommitment.objects.update_or_create(
            phase=phase, defaults={"number": number, "committed_on": committed_on, "source": federal}
        )
    roles = [
        StaffRole.objects.update_or_create(name=name, defaults={"hourly_rate": rate})[0]
        for name, rate in STAFF_ROLES
    ]
    running = Measure.objects.filter(pk__in=[m.pk for m in measures], budget_spent__gt=0).order_by("pk")[:12]
    this_month = today.replace(day=1)
    for measure in running:
        for back in range(rng.randint(2, 5)):
            month = selectors.add_months(this_month, -(back + 1))
            services.staff_effort_book(
                actor=office,
                measure=measure,
                role=rng.choice(roles),
                month=month,
                hours=Decimal(rng.randint(8, 60)) / 2,
                description=rng.choice(STAFF_TASKS),
            )
    payments = list(
        Expense.objects.filter(kind=Expense.Kind.PAYMENT, budget_line__source=federal).order_by(
            "booked_on", "pk"
        )
    )
    quarters: dict[tuple[int, int], list[Expense]] = {}
    for payment in payments:
        quarters.setdefault((payment.booked_on.year, (payment.booked_on.month - 1) // 3), []).append(payment)
    current = (today.year, (today.month - 1) // 3)
    for (year, quarter), covered in sorted(quarters.items()):
        if (year, quarter) >= current:
            continue
        called_on = datetime.date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 10)
        if called_on > today:
            continue
        call = services.fund_call_create(
            actor=office,
            source=federal,
            called_on=called_on,
            amount=sum((payment.amount for payment in covered), Decimal(0)),
            payments=covered,
            reference=f"MA-{year}-Q{quarter + 1}",
        )
        received_on = called_on + datetime.timedelta(days=rng.randint(18, 35))
        if received_on <= today:
            services.fund_call_receive(
                actor=office, fund_call=call, received_on=received_on, amount=call.amount
            )


def seed_agendas(*, office: User) -> list[AgendaSnapshot]:
    """The Digitale Agenda 2025 as the county council adopted it, a few changes since, and the draft 2026.

    Safe to run again: nothing is created when agendas exist."""
    if AgendaSnapshot.objects.exists():
        return list(AgendaSnapshot.objects.all())
    adopted = agenda.snapshot_create(actor=office, year=2025, title="Digitale Agenda 2025")
    adopted = agenda.snapshot_adopt(
        actor=office,
        snapshot=adopted,
        decided_by="Kreistag Mayen-Koblenz",
        decided_on=datetime.date(2025, 6, 30),
        decision_reference="Drucksache 2025/117",
        oparl_url="https://ratsinfo.example.org/oparl/v1/paper/2025-117",
    )
    # What happened since: a milestone reached, more money planned for the next year, a state set by hand.
    running = list(
        Measure.objects.filter(is_published=True, status=MeasureStatus.RUNNING).order_by("title")[:3]
    )
    if running:
        milestone = (
            Milestone.objects.filter(measure=running[0], done_on__isnull=True).order_by("due_on").first()
        )
        if milestone is not None and milestone.due_on <= timezone.localdate():
            services.milestone_set_done(actor=office, milestone=milestone, done_on=milestone.due_on)
    if len(running) > 1:
        # From the own share: more federal money would break the 65 % funding rate.
        line = (
            BudgetLine.objects.filter(measure=running[1], source__kind=FundingSource.Kind.OWN_SHARE)
            .order_by("-year")
            .first()
        )
        if line is not None and line.source.available >= Decimal("25000.00"):
            services.budget_line_set(
                actor=office,
                measure=running[1],
                source=line.source,
                year=line.year,
                planned=line.planned + Decimal("25000.00"),
            )
    if len(running) > 2:
        services.measure_set_monitoring(
            actor=office,
            measure=running[2],
            state=MonitoringState.AT_RISK,
            reason="Lieferverzug bei den Sensoren, neuer Termin mit dem Hersteller vereinbart.",
        )
    draft = agenda.snapshot_create(actor=office, year=2026, title="Digitale Agenda 2026 (Entwurf)")
    return [adopted, draft]


def seed_program(
    *, people: list[User], municipalities: list[Municipality], domains: list[Domain]
) -> list[Measure]:
    """Phases, funding sources, the strategy tree and about 40 measures with their program data.

    Safe to run again: phases, sources, goals and strategies are updated in place; the measures (and all
    that hangs on them) are only created when there are none yet.
    """
    for name, kind, starts_on, ends_on in PHASES:
        ProgramPhase.objects.update_or_create(
            name=name, defaults={"kind": kind, "starts_on": starts_on, "ends_on": ends_on}
        )
    sources = {
        FEDERAL: FundingSource.objects.update_or_create(
            name=FEDERAL,
            defaults={
                "kind": FundingSource.Kind.FEDERAL,
                "amount": Decimal("11400000.00"),
                "max_rate": Decimal("65.00"),
                "emergency_rate": Decimal("90.00"),
                "position": 0,
                "rules": "Förderung des Bundes im Programm Modellprojekte Smart Cities: höchstens 65 % der "
                "förderfähigen Ausgaben einer Maßnahme, Mittelabruf nach Baufortschritt.",
            },
        )[0],
        OWN_SHARE: FundingSource.objects.update_or_create(
            name=OWN_SHARE,
            defaults={
                "kind": FundingSource.Kind.OWN_SHARE,
                "amount": Decimal("6100000.00"),
                "max_rate": None,
                "position": 1,
                "rules": "Eigenanteil aus dem Kreishaushalt, mindestens 35 % jeder Maßnahme.",
            },
        )[0],
    }
    topics = {domain.name: domain for domain in domains}
    strategies = _tree(topics)
    if Measure.objects.exists():
        return list(Measure.objects.all())

    office = next(person for person in people if person.email == OFFICE_EMAIL)
    places = {municipality.name: municipality for municipality in municipalities}
    organizations = {organization.name: organization for organization in Organization.objects.all()}
    planner = _Planner(office=office, sources=sources, today=timezone.localdate())
    weight = Decimal(sum(spec.size for spec in MEASURES))
    measures: dict[str, Measure] = {}
    for spec in MEASURES:
        measure = strategy_services.measure_create(
            actor=office,
            strategy=strategies[spec.strategy],
            title=spec.title,
            summary=spec.summary,
            domains=[topics[name] for name in spec.domains],
            municipalities=[places[name] for name in spec.municipalities],
            is_published=spec.published and spec.title not in EXTRA_DRAFTS,
        )
        services.responsibility_add(
            actor=office,
            measure=measure,
            organization=organizations[spec.lead],
            role=Responsibility.Role.LEAD,
        )
        if spec.partner:
            services.responsibility_add(
                actor=office,
                measure=measure,
                organization=organizations[spec.partner],
                role=Responsibility.Role.PARTNER,
            )
        measures[spec.title] = measure

    # Ideas first, so that their people hear about the milestones and status changes that follow, and
    # so that a measure's work is dated after the ideas it took up.
    _citizen_ideas(people, places, topics)
    specs = {spec.title: spec for spec in MEASURES}
    since = _link_ideas(office, measures, specs)
    for spec in MEASURES:
        measure, not_before = measures[spec.title], since.get(spec.title)
        years = planner.years(spec, not_before)
        lines = planner.budget(measure, _hundreds(PLANNED_TOTAL * spec.size / weight), years)
        planner.expenses(spec, lines, not_before)
        planner.milestones(spec, measure, years, not_before)
        planner.indicators(spec, measure, years)
        planner.status(spec, measure)
    _override_payment(office, measures[OVERRIDE_MEASURE])
    _funder(office, sources[FEDERAL], list(measures.values()))
    return list(Measure.objects.filter(pk__in=[measure.pk for measure in measures.values()]))
