"""Demo participation for the MYK default configuration: a running idea collection with ideas on every
channel, supports, a discussion, decided ideas; and a second process that is still informing.

The ideas are written for the demo (illustrative, not statements of real people). Everything goes through
the services, so the demo data obeys the same rules as real data; only the timestamps are moved into the
past afterwards, so that the lists look like weeks of participation rather than one second.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from smartregion.accounts.models import User
from smartregion.core.markdown import render_markdown
from smartregion.network.models import Municipality
from smartregion.strategy.models import Domain

from . import services
from .models import Channel, Comment, Idea, IdeaEvent, IdeaStatus, Phase, Process

MAIN_SLUG = "myk10-strategie"
SECOND_SLUG = "digitale-dorfplaetze"
DAY = datetime.timedelta(days=1)

MAIN_BODY = """\
Der Landkreis Mayen-Koblenz erarbeitet mit seinen zehn Kommunen die Smart-Region-Strategie **MYK10**.
Sie legt fest, welche digitalen Projekte in den nächsten Jahren umgesetzt werden – in der Stadt und auf
dem Land.

Was brauchen Sie in Ihrem Alltag? Wo könnte Digitalisierung helfen, wo sollte sie es lieber lassen?

- Reichen Sie Ihre Idee online ein – oder per Telefon, Brief oder bei einer unserer Veranstaltungen.
- Unterstützen Sie die Ideen anderer und diskutieren Sie mit.
- Der Expertenbeirat bewertet die Ideen; der Kreistag entscheidet über die Maßnahmen.
"""
SECOND_BODY = """\
Dorfgemeinschaftshäuser, Bäckereien, Dorfläden: Viele Orte haben Treffpunkte, die mehr sein könnten.
Wir informieren über Beispiele aus anderen Regionen; danach sammeln wir Ihre Ideen für **digitale
Dorfplätze** in Ihrem Ort.
"""


@dataclass(frozen=True)
class DemoIdea:
    """One demo idea: who brought it in (author index or an assisted channel), where, what became of it."""

    title: str
    body: str
    domains: tuple[str, ...]
    municipality: str | None = None
    # Offset from the municipality's centre in degrees (latitude, longitude): the idea has a place.
    offset: tuple[str, str] | None = None
    author: int = 0
    channel: str = Channel.ONLINE
    attribution: str = ""
    contributor: tuple[str, str] = ("", "")
    supports: int = 0
    days_ago: int = 10


IDEAS = (
    DemoIdea(
        "Mitfahrbänke in den Dörfern der Vordereifel",
        "In vielen Orten fährt der Bus nur zweimal am Tag. Markierte Mitfahrbänke am Ortsausgang, dazu eine "
        "einfache Seite, auf der man eine Fahrt ankündigen kann, würden Älteren und Jugendlichen helfen.",
        ("Mobilität und Verkehr",),
        "Vordereifel",
        ("0.012", "-0.020"),
        author=1,
        supports=11,
        days_ago=52,
    ),
    DemoIdea(
        "Sichere Radverbindung von Andernach nach Weißenthurm",
        "Der Radweg am Rhein endet an mehreren Stellen auf der Straße. Eine durchgehende, beleuchtete "
        "Verbindung würde Pendeln mit dem Rad zur echten Alternative machen.",
        ("Mobilität und Verkehr", "Tourismus"),
        "Weißenthurm",
        ("0.015", "-0.030"),
        author=2,
        supports=14,
        days_ago=50,
    ),
    DemoIdea(
        "Freies WLAN an den Bahnhöfen",
        "Wer am Bahnhof Mayen Ost oder in Andernach wartet, hat oft schlechten Empfang. Freies WLAN auf den "
        "Bahnsteigen hilft Pendlerinnen, Schülern und Gästen.",
        ("Kommunikationsinfrastruktur",),
        "Mayen",
        ("0.004", "0.012"),
        author=3,
        supports=6,
        days_ago=47,
    ),
    DemoIdea(
        "Video-Sprechstunde beim Hausarzt",
        "Für Folgerezepte und kurze Rückfragen muss man nicht immer in die Praxis fahren. Eine betreute "
        "Video-Sprechstunde im Gemeindehaus wäre gerade für ältere Menschen ohne Auto eine Erleichterung.",
        ("Gesundheit",),
        "Maifeld",
        author=4,
        supports=9,
        days_ago=45,
    ),
    DemoIdea(
        "Straßenlaternen, die nachts herunterdimmen",
        "Mit Bewegungsmeldern könnten Laternen in Nebenstraßen nachts gedimmt werden und nur bei Bedarf "
        "heller leuchten. Das spart Strom und schont Insekten.",
        ("Energie", "Umwelt"),
        "Bendorf",
        ("-0.006", "0.010"),
        author=5,
        supports=7,
        days_ago=44,
    ),
    DemoIdea(
        "Pegel-Sensoren an Nette und Mosel",
        "Nach den Hochwassern der letzten Jahre wünschen sich viele frühere Warnungen. Günstige "
        "Pegel-Sensoren an kleinen Bächen, deren Werte öffentlich auf einer Karte stehen, könnten "
        "Leben retten.",
        ("Umwelt",),
        "Rhein-Mosel",
        ("0.020", "-0.015"),
        author=6,
        supports=13,
        days_ago=42,
    ),
    DemoIdea(
        "Tablet-Kurse in der Bücherei",
        "Viele Seniorinnen und Senioren haben ein Tablet geschenkt bekommen, trauen sich aber nicht recht. "
        "Regelmäßige Kurse mit Ehrenamtlichen in der Bücherei würden helfen.",
        ("Bildung",),
        "Mendig",
        author=7,
        supports=8,
        days_ago=40,
    ),
    DemoIdea(
        "Gemeinsamer Online-Schaufenster für Mayener Geschäfte",
        "Kleine Läden haben kaum Zeit für einen eigenen Webshop. Eine gemeinsame Seite mit Öffnungszeiten, "
        "Angeboten und Abholung im Laden würde die Innenstadt stärken.",
        ("Wirtschaft",),
        "Mayen",
        author=8,
        supports=5,
        days_ago=38,
    ),
    DemoIdea(
        "Ladesäulen auf Dorfparkplätzen",
        "Auf dem Land gibt es kaum öffentliche Ladepunkte. Zwei Ladesäulen pro Ort, zum Beispiel am "
        "Dorfgemeinschaftshaus, würden den Umstieg erleichtern.",
        ("Energie", "Mobilität und Verkehr"),
        "Pellenz",
        ("0.008", "0.006"),
        author=9,
        supports=4,
        days_ago=36,
    ),
    DemoIdea(
        "Offene Software in den Verwaltungen",
        "Wenn Kreis und Kommunen Software gemeinsam beschaffen, sollte sie quelloffen sein. So bleibt man "
        "unabhängig von einzelnen Anbietern und andere Kreise können mitnutzen.",
        ("Digitale Souveränität",),
        author=10,
        supports=10,
        days_ago=35,
    ),
    DemoIdea(
        "Leerstandskataster für die Ortskerne",
        "Eine Karte mit leerstehenden Läden und Wohnungen hilft Gründerinnen, Vereinen und Familien, "
        "passende Räume zu finden – und den Gemeinden, gegenzusteuern.",
        ("Stadt- und Landentwicklung",),
        "Vallendar",
        author=11,
        supports=6,
        days_ago=33,
    ),
    DemoIdea(
        "Rufbus für die Abendstunden",
        "Nach 19 Uhr kommt man aus vielen Maifeld-Orten nicht mehr weg. Ein Rufbus, den man per App oder "
        "Telefon bestellt, würde Abendtermine und Ehrenamt möglich machen.",
        ("Mobilität und Verkehr",),
        "Maifeld",
        author=12,
        supports=12,
        days_ago=31,
    ),
    DemoIdea(
        "Digitale Wanderkarte für die Vulkan-Pfade",
        "Eine Karte fürs Handy, die auch ohne Netz funktioniert, mit Einkehrmöglichkeiten und "
        "Hinweisen zu Sperrungen, würde Gästen und Einheimischen helfen.",
        ("Tourismus",),
        "Mendig",
        ("-0.010", "0.015"),
        author=1,
        supports=3,
        days_ago=29,
    ),
    DemoIdea(
        "Glasfaser auch für Aussiedlerhöfe",
        "Landwirtschaftliche Betriebe außerhalb der Orte werden beim Ausbau oft vergessen. Dabei brauchen "
        "gerade sie schnelles Internet für Maschinen und Verwaltung.",
        ("Kommunikationsinfrastruktur",),
        "Vordereifel",
        author=2,
        supports=7,
        days_ago=27,
    ),
    DemoIdea(
        "Bürgerenergie-Genossenschaft für Solardächer",
        "Viele öffentliche Dächer sind noch frei. Eine Genossenschaft, an der sich alle mit kleinen Beträgen "
        "beteiligen können, könnte sie mit Solaranlagen belegen.",
        ("Energie", "Wirtschaft"),
        "Andernach",
        author=3,
        supports=9,
        days_ago=25,
    ),
    DemoIdea(
        "Bodenfeuchte-Sensoren für Streuobstwiesen",
        "Junge Obstbäume vertrocknen in heißen Sommern. Sensoren, die melden, wann gegossen werden muss, "
        "helfen Vereinen, ihre Wiesen zu pflegen.",
        ("Umwelt",),
        "Pellenz",
        ("-0.012", "-0.008"),
        author=4,
        supports=2,
        days_ago=23,
    ),
    DemoIdea(
        "Coworking im alten Bahnhofsgebäude",
        "Wer im Homeoffice arbeitet, vermisst oft Austausch und eine gute Leitung. Ein Coworking-Raum im "
        "Bahnhofsgebäude würde Pendelwege sparen und den Ort beleben.",
        ("Wirtschaft", "Stadt- und Landentwicklung"),
        "Mendig",
        ("0.004", "-0.004"),
        author=5,
        supports=5,
        days_ago=21,
    ),
    DemoIdea(
        "Parkleitsystem mit freien Plätzen in Echtzeit",
        "An Markttagen sucht man in der Innenstadt lange einen Parkplatz. Anzeigen an den Einfahrten und "
        "eine offene Schnittstelle für Apps würden den Suchverkehr verringern.",
        ("Mobilität und Verkehr",),
        "Andernach",
        ("0.003", "0.004"),
        author=6,
        supports=6,
        days_ago=19,
    ),
    DemoIdea(
        "App für freie Parkplätze in Andernach",
        "Eine App, die freie Parkplätze in der Innenstadt anzeigt, wäre super.",
        ("Mobilität und Verkehr",),
        "Andernach",
        author=7,
        supports=3,
        days_ago=18,
    ),
    DemoIdea(
        "Kreisweite Ehrenamts-Börse",
        "Vereine suchen Helfende, Menschen suchen eine sinnvolle Aufgabe. Eine gemeinsame Börse für den "
        "ganzen Kreis bringt beide zusammen.",
        ("Stadt- und Landentwicklung",),
        author=8,
        supports=8,
        days_ago=16,
    ),
    DemoIdea(
        "Telemedizin im Rettungswagen",
        "Wenn der Notarzt weit weg ist, könnte eine Video-Verbindung aus dem Rettungswagen helfen, "
        "schneller die richtige Behandlung zu beginnen.",
        ("Gesundheit",),
        author=9,
        supports=10,
        days_ago=15,
    ),
    DemoIdea(
        "Mängelmelder für Schlaglöcher und defekte Laternen",
        "Mit einem Foto und einem Klick auf der Karte melden, was kaputt ist – und sehen, wann es repariert "
        "wird. Das spart Anrufe und zeigt, dass sich etwas tut.",
        ("Stadt- und Landentwicklung",),
        "Bendorf",
        author=10,
        supports=9,
        days_ago=14,
    ),
    DemoIdea(
        "Luftqualität an Schulen messen",
        "CO₂-Ampeln in allen Klassenräumen und ein Messnetz vor den Schulen zeigen, wann gelüftet werden "
        "muss und wo der Verkehr die Luft belastet.",
        ("Umwelt", "Bildung", "Gesundheit"),
        "Weißenthurm",
        author=11,
        supports=4,
        days_ago=12,
    ),
    DemoIdea(
        "Regionale Cloud für Vereine",
        "Vereine speichern Mitgliederlisten oft bei großen US-Anbietern. Ein datenschutzfreundliches Angebot "
        "aus der Region, etwa über das Rechenzentrum des Kreises, wäre besser.",
        ("Digitale Souveränität",),
        author=12,
        supports=5,
        days_ago=10,
    ),
    DemoIdea(
        "Kostenlose Tablets für alle Schülerinnen und Schüler",
        "Jedes Kind sollte vom Kreis ein Tablet bekommen.",
        ("Bildung",),
        author=1,
        supports=3,
        days_ago=9,
    ),
    DemoIdea(
        "Digitaler Dorfladen mit Abholstation",
        "Im Ort gibt es keinen Laden mehr. Ein kleiner Dorfladen mit Bestellung übers Internet und einer "
        "Abholstation rund um die Uhr wäre eine Lösung.",
        ("Wirtschaft",),
        "Vordereifel",
        ("-0.015", "0.010"),
        channel=Channel.EVENT,
        attribution="Bürgerforum Vordereifel",
        contributor=("Gisela Demo", ""),
        supports=7,
        days_ago=30,
    ),
    DemoIdea(
        "Bessere Busanbindung von Kretz nach Andernach",
        "Die Anruferin wünscht sich, dass der Bus auch samstags stündlich fährt, damit sie ohne Auto zum "
        "Einkaufen und zum Arzt kommt.",
        ("Mobilität und Verkehr",),
        "Pellenz",
        channel=Channel.PHONE,
        contributor=("Maria Demo", "0261 000000 (Demo)"),
        supports=6,
        days_ago=26,
    ),
    DemoIdea(
        "Sprechstunde der Verwaltung auch per Video",
        "Der Schreiber möchte Anträge mit der Verwaltung auch per Video besprechen können, statt dafür "
        "einen halben Tag freizunehmen.",
        ("Stadt- und Landentwicklung", "Digitale Souveränität"),
        "Vallendar",
        channel=Channel.LETTER,
        contributor=("Heinz Demo", "Musterweg 1, 56179 Vallendar (Demo)"),
        supports=2,
        days_ago=20,
    ),
    DemoIdea(
        "Infotafeln mit QR-Codes an den Rheinanlagen",
        "Tafeln mit kurzen Texten zur Geschichte der Stadt und QR-Codes zu Hörbeiträgen, auch in leichter "
        "Sprache und auf Englisch.",
        ("Tourismus", "Bildung"),
        "Andernach",
        ("0.002", "0.008"),
        channel=Channel.EVENT,
        attribution="Zukunftswerkstatt Andernach",
        supports=4,
        days_ago=17,
    ),
    DemoIdea(
        "Fahrplanauskunft am Telefon für Menschen ohne Smartphone",
        "Der Anrufer bittet um eine einfache Telefonnummer, unter der man Abfahrtszeiten erfährt, "
        "ohne eine App zu brauchen.",
        ("Mobilität und Verkehr",),
        "Mayen",
        channel=Channel.PHONE,
        supports=5,
        days_ago=8,
    ),
)

DEMO_CITIZENS = (
    "Jana aus Mendig",
    "Tobias Wirtz",
    "Ayşe Demir",
    "Familie Schmitt",
    "Wolfgang H.",
    "Lea M.",
    "Radfahrer_Pellenz",
    "Hannah Becker",
    "Jonas aus Polch",
    "Marion Klein",
    "Stefan R.",
    "Ingrid Weber",
)

# (idea index, author index, text, replies as (author index, text))
COMMENTS: tuple[tuple[int, int, str, tuple[tuple[int, str], ...]], ...] = (
    (
        0,
        3,
        "Im Nachbarort gibt es so eine Bank schon. Sie wird vor allem von Jugendlichen genutzt.",
        ((1, "Gut zu wissen! Gibt es Erfahrungen, ob sich Fahrerinnen und Fahrer daran gewöhnt haben?"),),
    ),
    (0, 8, "Wichtig wäre, dass die Bänke gut sichtbar und beleuchtet sind.", ()),
    (
        1,
        5,
        "Vor allem zwischen Weißenthurm und Urmitz ist es gefährlich. Ich fahre dort jeden Tag.",
        (
            (2, "Genau dort endet der Weg. Danke für den Hinweis!"),
            (9, "Beleuchtung bitte mit Bewegungsmelder."),
        ),
    ),
    (5, 11, "Die Werte sollten auch per Warn-App kommen, nicht nur auf einer Karte.", ()),
    (
        11,
        4,
        "Als Ehrenamtliche in der Feuerwehr wäre das für mich eine große Hilfe.",
        ((12, "Für die Chorprobe ebenso. Bisher fahren wir Fahrgemeinschaften."),),
    ),
    (9, 6, "Gute Idee. Andere Landkreise machen das schon, daran könnte man anknüpfen.", ()),
    (20, 7, "Gerade in der Eifel wäre das wichtig, die Wege sind lang.", ()),
    (14, 10, "Ich wäre sofort dabei. Gibt es schon eine Genossenschaft in der Nähe?", ()),
)
# A comment the moderation hid, so the demo shows how that looks (idea index, author index, text, reason).
HIDDEN_COMMENT = (
    1,
    11,
    "Die Leute in der Verwaltung sind doch alle unfähig!",
    "Persönlich herabsetzend; bitte bleiben Sie sachlich.",
)
MERGED = (18, 17)  # "App für freie Parkplätze" carries on in "Parkleitsystem …"
NOT_PURSUED = 24
NOT_PURSUED_REASON = (
    "Die Ausstattung der Schulen mit Endgeräten ist Aufgabe der Schulträger und wird über den DigitalPakt "
    "Schule gefördert. Das Programm MYK10 darf dafür keine Fördermittel einsetzen."
)
UNDER_ASSESSMENT = (1, 5, 11, 20)
ADOPTED = 21
ADOPTED_REASON = "Der Mängelmelder wird 2027 als Maßnahme „Digitales Bürgerservice-Portal“ umgesetzt."


def _by_email(people: list[User], email: str) -> User:
    return next(person for person in people if person.email == email)


def _citizens(people: list[User]) -> list[User]:
    """Clara Bürger and twelve more demo citizens (they have no usable password: they only author)."""
    citizens = [_by_email(people, "clara.buerger@example.org")]
    for index, name in enumerate(DEMO_CITIZENS, start=1):
        user = User.objects.filter(email=f"buerger{index:02d}@example.org").first()
        if user is None:
            user = User.objects.create_user(email=f"buerger{index:02d}@example.org", display_name=name)
        citizens.append(user)
    return citizens


def _process(
    *, slug: str, title: str, summary: str, body: str, phases: list[tuple[str, datetime.datetime, int]]
) -> Process:
    process = Process.objects.create(
        slug=slug,
        title=title,
        summary=summary,
        body=body,
        body_html=render_markdown(body),
        visibility=Process.Visibility.PUBLIC,
    )
    for kind, starts_at, days in phases:
        Phase.objects.create(process=process, kind=kind, starts_at=starts_at, ends_at=starts_at + days * DAY)
    return process


def _point(municipality: Municipality, offset: tuple[str, str] | None) -> dict[str, Decimal | None]:
    if offset is None:
        return {"latitude": None, "longitude": None}
    return {
        "latitude": municipality.latitude + Decimal(offset[0]),
        "longitude": municipality.longitude + Decimal(offset[1]),
    }


def _backdate(idea: Idea, days_ago: int) -> None:
    """Move an idea's creation and publication (and its first events) into the past."""
    when = timezone.now() - days_ago * DAY
    Idea.objects.filter(pk=idea.pk).update(created_at=when, published_at=when)
    IdeaEvent.objects.filter(idea=idea).update(created_at=when)


def _ideas(
    process: Process,
    *,
    citizens: list[User],
    office: User,
    places: dict[str, Municipality],
    topics: dict[str, Any],
) -> list[Idea]:
    ideas = []
    for spec in IDEAS:
        municipality = places[spec.municipality] if spec.municipality else None
        point = _point(municipality, spec.offset) if municipality else {"latitude": None, "longitude": None}
        common: dict[str, Any] = {
            "process": process,
            "title": spec.title,
            "body": spec.body,
            "domains": [topics[name] for name in spec.domains],
            "municipality": municipality,
            **point,
        }
        if spec.channel == Channel.ONLINE:
            idea = services.idea_create(author=citizens[spec.author], **common)
        else:
            name, contact = spec.contributor
            idea = services.idea_record_assisted(
                recorded_by=office,
                channel=spec.channel,
                contributor_name=name,
                contributor_contact=contact,
                consent_given=bool(contact),
                public_attribution=spec.attribution,
                **common,
            )
        _backdate(idea, spec.days_ago)
        ideas.append(idea)
    return ideas


def _supports(ideas: list[Idea], citizens: list[User]) -> None:
    for spec, idea in zip(IDEAS, ideas, strict=True):
        # Everybody but the author, in a rotating order, so that different people support different ideas.
        supporters = [person for person in citizens if person.pk != idea.author_id]
        start = len(idea.title) % len(supporters)
        for person in (supporters[start:] + supporters[:start])[: spec.supports]:
            services.support_add(user=person, idea=idea)


def _comments(ideas: list[Idea], citizens: list[User], moderator: User) -> None:
    for idea_index, author_index, text, replies in COMMENTS:
        idea = ideas[idea_index]
        comment = services.comment_create(author=citizens[author_index], idea=idea, body=text)
        for reply_author, reply_text in replies:
            services.comment_create(author=citizens[reply_author], idea=idea, body=reply_text, parent=comment)
    idea_index, author_index, text, reason = HIDDEN_COMMENT
    hidden = services.comment_create(author=citizens[author_index], idea=ideas[idea_index], body=text)
    services.comment_hide(actor=moderator, comment=hidden, reason=reason)
    # Comments follow their idea by a day and each other by some hours, in the order they were written.
    written = Comment.objects.filter(idea__in=ideas).select_related("idea").order_by("id")
    for position, comment in enumerate(written):
        when = comment.idea.created_at + DAY + position * datetime.timedelta(hours=5)
        Comment.objects.filter(pk=comment.pk).update(created_at=min(when, timezone.now()))


def _decisions(ideas: list[Idea], office: User) -> None:
    source, target = MERGED
    services.idea_status_change(
        actor=office,
        idea=ideas[source],
        status=IdeaStatus.MERGED,
        merged_into=ideas[target],
        reason="Gleicher Vorschlag wie „Parkleitsystem mit freien Plätzen in Echtzeit“; die Diskussion "
        "geht dort weiter.",
    )
    services.idea_status_change(
        actor=office, idea=ideas[NOT_PURSUED], status=IdeaStatus.NOT_PURSUED, reason=NOT_PURSUED_REASON
    )
    for index in UNDER_ASSESSMENT:
        services.idea_status_change(
            actor=office,
            idea=ideas[index],
            status=IdeaStatus.UNDER_ASSESSMENT,
            reason="Viel Unterstützung: Der Expertenbeirat bewertet die Idee in seiner nächsten Sitzung.",
        )
    services.idea_status_change(
        actor=office, idea=ideas[ADOPTED], status=IdeaStatus.UNDER_ASSESSMENT, reason="Wird geprüft."
    )
    services.idea_status_change(
        actor=office, idea=ideas[ADOPTED], status=IdeaStatus.ADOPTED, reason=ADOPTED_REASON
    )


def seed_participation(
    *, people: list[User], municipalities: list[Municipality], domains: list[Domain]
) -> Process | None:
    """The demo processes with ideas, supports and comments; does nothing when they exist (idempotent)."""
    if Process.objects.filter(slug=MAIN_SLUG).exists():
        return None
    now = timezone.now()
    places = {municipality.name: municipality for municipality in municipalities}
    topics = {domain.name: domain for domain in domains}
    office = _by_email(people, "paul.programmbuero@example.org")
    moderator = _by_email(people, "mira.moderation@example.org")
    citizens = _citizens(people)

    process = _process(
        slug=MAIN_SLUG,
        title="Ideen für die Smart-Region-Strategie MYK10",
        summary="Was soll die Digitalisierung im Kreis Mayen-Koblenz leisten? Bringen Sie Ihre Ideen ein – "
        "für Ihre Stadt, Ihre Verbandsgemeinde oder die ganze Region.",
        body=MAIN_BODY,
        phases=[
            (Phase.Kind.INFORMATION, now - 90 * DAY, 30),
            (Phase.Kind.IDEA_COLLECTION, now - 60 * DAY, 120),
            (Phase.Kind.ASSESSMENT, now + 60 * DAY, 60),
        ],
    )
    process.domains.set(domains)
    services.follow_set(user=citizens[0], following=True, process=process)

    ideas = _ideas(process, citizens=citizens, office=office, places=places, topics=topics)
    _supports(ideas, citizens)
    _comments(ideas, citizens, moderator)
    _decisions(ideas, office)

    second = _process(
        slug=SECOND_SLUG,
        title="Digitale Dorfplätze – Treffpunkte für Jung und Alt",
        summary="Wie können Dorftreffpunkte mit digitalen Angeboten lebendiger werden? Zuerst informieren "
        "wir, dann sammeln wir Ihre Ideen.",
        body=SECOND_BODY,
        phases=[
            (Phase.Kind.INFORMATION, now - 10 * DAY, 30),
            (Phase.Kind.IDEA_COLLECTION, now + 20 * DAY, 60),
        ],
    )
    second.domains.set([topics["Stadt- und Landentwicklung"], topics["Kommunikationsinfrastruktur"]])
    second.municipalities.set(
        [places[name] for name in ("Vordereifel", "Maifeld", "Mendig") if name in places]
    )
    return process
