"""Seeded personal data, and a check that none of it leaves through a public endpoint.

``seed_personal_data()`` writes unmistakable personal and internal data into every place the platform
keeps it (the contact of an assisted contributor, user e-mail addresses, demographic fields, an inbound
e-mail's sender, an unpublished assessment, a staff member changing a measure) next to public content that
*should* appear, and hidden content that should not. ``assert_no_leak()`` then reads a response of any
kind (HTML, CSV, JSON, XML, iCal, XLSX, streamed or not) and fails naming every secret it finds.

Used by tests/opendata/test_personal_data_walk.py; the API's tests can walk their endpoints the same way:

    secrets = seed_personal_data(municipality=municipality, office=office, measure=measure)
    for url in my_urls:
        assert_no_leak(client.get(url), secrets, where=url)
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from smartregion.accounts.models import AgeGroup
from smartregion.participation.models import (
    AssistedContribution,
    Channel,
    IdeaStatus,
    InboundMessage,
    Process,
    Support,
)
from smartregion.program import services as program_services
from smartregion.strategy.models import Assessment, AssessmentRound

from .factories import UserFactory
from .participation.factories import CommentFactory, IdeaFactory, ProcessFactory


@dataclass
class SeededSecrets:
    """What was seeded: ``personal`` and ``hidden`` values must never appear in a public response;
    ``public`` values must (so that a walk that reads nothing cannot pass)."""

    personal: dict[str, str] = field(default_factory=dict)
    hidden: dict[str, str] = field(default_factory=dict)
    public: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    # Field names of personal data: a response naming one exposes the field even if it is empty.
    field_names: tuple[str, ...] = (
        "contributor_name",
        "contributor_contact",
        "consent_given_at",
        "recorded_by",
        "age_group",
        "home_municipality",
        "conflict_note",
    )

    @property
    def forbidden(self) -> dict[str, str]:
        return {**self.personal, **self.hidden}


def seed_personal_data(*, municipality: Any, office: Any, measure: Any) -> SeededSecrets:
    """Unmistakable personal data in every place the platform keeps some, around ``measure`` (published)
    and a public process; returns what was seeded. ``office`` is a program-office user."""
    secrets = SeededSecrets()
    process = ProcessFactory(
        title="Offene Beteiligung Datenschutzprobe", slug="datenschutzprobe", phase="active"
    )

    # An author with an account: e-mail address and demographic fields.
    author = UserFactory(
        email="autorin.geheim@example.com",
        display_name="Autorin Öffentlich",
        age_group=AgeGroup.FROM_45_TO_64,
        home_municipality=municipality,
    )
    idea = IdeaFactory(
        process=process,
        author=author,
        title="Öffentliche Idee mit Ort",
        latitude="50.43000",
        longitude="7.40000",
        municipality=municipality,
    )
    secrets.personal["author e-mail"] = author.email
    secrets.personal["author age group"] = str(AgeGroup.FROM_45_TO_64.value)
    secrets.public["idea title"] = idea.title

    # An idea staff recorded from a telephone call: the caller's name and contact stay private.
    assisted = IdeaFactory(
        process=process, author=None, channel=Channel.PHONE, title="Telefonisch eingegangene Idee"
    )
    AssistedContribution.objects.create(
        idea=assisted,
        contributor_name="Hildegard Geheimname",
        contributor_contact="hildegard.geheim@example.net 0261-5550199 Geheimweg-7",
        consent_given_at=timezone.now(),
        recorded_by=office,
        public_attribution="Telefonsprechstunde",
    )
    secrets.personal["contributor name"] = "Hildegard Geheimname"
    secrets.personal["contributor e-mail"] = "hildegard.geheim@example.net"
    secrets.personal["contributor phone"] = "0261-5550199"
    secrets.personal["contributor address"] = "Geheimweg-7"
    secrets.public["assisted idea title"] = assisted.title

    # An idea that arrived by e-mail: the sender's address is kept with the message.
    mailed = IdeaFactory(
        process=process, author=None, channel=Channel.EMAIL, title="Per E-Mail eingegangene Idee"
    )
    InboundMessage.objects.create(
        message_id="<geheim-1@example.net>", idea=mailed, sender="absender.geheim@example.net"
    )
    secrets.personal["inbound sender"] = "absender.geheim@example.net"

    # Supporters and commenters: their e-mail addresses.
    supporter = UserFactory(email="unterstuetzer.geheim@example.com", age_group=AgeGroup.UNDER_18)
    Support.objects.create(idea=idea, user=supporter)
    commenter = UserFactory(email="kommentator.geheim@example.com")
    CommentFactory(idea=idea, author=commenter, body="Ein öffentlicher Kommentar.")
    secrets.personal["supporter e-mail"] = supporter.email
    secrets.personal["commenter e-mail"] = commenter.email

    # Hidden and unpublished content.
    IdeaFactory(process=process, status=IdeaStatus.HIDDEN, title="Versteckte Idee Sperrvermerk")
    IdeaFactory(process=process, status=IdeaStatus.SUBMITTED, title="Wartende Idee Moderationsschlange")
    draft = ProcessFactory(
        title="Entwurf Beteiligung Intern", slug="entwurf-intern", visibility=Process.Visibility.DRAFT
    )
    IdeaFactory(process=draft, title="Idee im Entwurfsprozess")
    secrets.hidden["hidden idea"] = "Versteckte Idee Sperrvermerk"
    secrets.hidden["idea awaiting moderation"] = "Wartende Idee Moderationsschlange"
    secrets.hidden["draft process"] = "Entwurf Beteiligung Intern"
    secrets.hidden["idea of a draft process"] = "Idee im Entwurfsprozess"

    # The expert board's unpublished assessment.
    expert = UserFactory(email="gutachterin.geheim@example.com", display_name="Gutachterin Vertraulich")
    assessment_round = AssessmentRound.objects.create(
        title="Bewertungsrunde Vertraulich",
        opens_on=timezone.localdate() - datetime.timedelta(days=3),
        closes_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    assessment_round.ideas.add(idea)
    Assessment.objects.create(
        round=assessment_round,
        expert=expert,
        idea=idea,
        comment="Vertraulicher Gutachterkommentar Zwetschge",
        conflict_of_interest=False,
    )
    Assessment.objects.create(
        round=assessment_round,
        expert=UserFactory(email="befangen.geheim@example.com"),
        idea=idea,
        conflict_of_interest=True,
        conflict_note="Befangenheitsnotiz Holunder",
    )
    secrets.hidden["assessment comment"] = "Vertraulicher Gutachterkommentar Zwetschge"
    secrets.hidden["conflict note"] = "Befangenheitsnotiz Holunder"
    secrets.personal["expert e-mail"] = expert.email
    secrets.personal["expert name"] = "Gutachterin Vertraulich"

    # A staff member changes the measure: the news show the change, never who made it.
    office.email = "stabsstelle.geheim@example.com"
    office.display_name = "Sachbearbeiter Intern"
    office.save(update_fields=["email", "display_name"])
    program_services.measure_set_status(actor=office, measure=measure, status="running")
    secrets.personal["staff e-mail"] = office.email
    secrets.personal["staff name"] = office.display_name

    _seed_survey(secrets, process=process, office=office, author=author, municipality=municipality)

    secrets.objects.update(process=process, draft=draft, idea=idea, assisted=assisted, author=author)
    return secrets


def _seed_survey(
    secrets: SeededSecrets, *, process: Any, office: Any, author: Any, municipality: Any
) -> None:
    """A published survey: a signed-in person's response, a paper form with its provenance and number,
    and a free text the office hid because it names a person. Only the question and counts are public."""
    from smartregion.surveys import services as survey_services
    from smartregion.surveys.models import Answer, QuestionKind, Response

    from .surveys.factories import add_question, make_survey

    survey = make_survey(office, process, title="Umfrage Datenschutzprobe")
    choice = add_question(
        office, survey, QuestionKind.SINGLE, "Öffentliche Frage Quitte?", options=["Ja", "Nein"]
    )
    text = add_question(office, survey, QuestionKind.LONG_TEXT, "Was wünschen Sie sich?")
    own = Response.objects.create(
        survey=survey, user=author, municipality=municipality, submitted_at=timezone.now()
    )
    paper = Response.objects.create(
        survey=survey,
        channel="paper",
        provenance="Herkunftsgeheimnis Mispel",
        paper_number="Bogengeheimnis-4711",
        entered_by=office,
        submitted_at=timezone.now(),
    )
    Answer.objects.create(response=own, question=choice, option=choice.options.first())
    Answer.objects.create(response=paper, question=choice, option=choice.options.last())
    named = Answer.objects.create(response=own, question=text, text="Nachbar Geheimrat Schlehe ist schuld")
    survey_services.answer_set_hidden(actor=office, answer=named, hidden=True)
    survey_services.results_publish(actor=office, survey=survey, published=True)
    secrets.public["survey question"] = "Öffentliche Frage Quitte?"
    secrets.hidden["hidden survey text"] = "Geheimrat Schlehe"
    secrets.personal["paper provenance"] = "Herkunftsgeheimnis Mispel"
    secrets.personal["paper form number"] = "Bogengeheimnis-4711"


def readable_text(response: Any) -> str:
    """Everything a response says, as text: streamed or not, and the XML inside an XLSX (a zip) file.

    iCal lines folded at 75 octets are unfolded, so that a value split over two lines is still found.
    """
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return body.decode("utf-8", "replace").replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")


def assert_no_leak(response: Any, secrets: SeededSecrets, *, where: str) -> str:
    """Fail naming every seeded secret or personal field name that the response contains; returns its text."""
    text = readable_text(response)
    lowered = text.lower()
    leaks = [f"{label}: {value!r}" for label, value in secrets.forbidden.items() if value.lower() in lowered]
    leaks += [f"field name {name!r}" for name in secrets.field_names if name in lowered]
    assert not leaks, f"{where} leaks " + "; ".join(leaks)
    return text
