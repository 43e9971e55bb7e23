"""The moderators' desk: editing and redacting an idea with a public reason (idea_edit_by_moderation).

The matrix is written out by hand like test_moderation_matrix.py: a row per role (the idea's author among
them), a column per status of the idea. DONE means the edit happened (redirect) and wrote its history;
every other outcome means nothing changed.
"""

import io
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from smartregion.accounts.models import Role
from smartregion.participation import services
from smartregion.participation.intake import idea_from_email
from smartregion.participation.models import Idea, IdeaEvent, IdeaStatus, Notification

from ..factories import RoleGrantFactory, UserFactory
from .staff_support import make_domain, make_idea, make_process

PHONE = "0261 98765-43"
ROLES = (
    "anonymous",
    "citizen",
    "author",
    "moderator",
    "coordinator",
    "coordinator_other",
    "expert",
    "program_office",
)
STATES = ("submitted", "published", "under_assessment", "adopted", "not_pursued", "merged", "hidden")
LOGIN, DENIED, DONE = "login", "denied", "done"
EDIT = {
    "anonymous": (LOGIN,) * 7,
    "citizen": (DENIED,) * 7,
    "author": (DENIED,) * 7,
    "moderator": (DONE,) * 7,
    "coordinator": (DONE,) * 7,
    "coordinator_other": (DENIED,) * 7,
    "expert": (DENIED,) * 7,
    "program_office": (DONE,) * 7,
}


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    cache.clear()  # rate limits are keyed by user id, which repeat across rolled-back tests
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def person(make_person, other_municipality):
    def make(role: str, idea: Idea):
        if role == "author":
            return idea.author
        if role == "coordinator_other":
            user = UserFactory()
            RoleGrantFactory(user=user, role=Role.COORDINATOR, municipality=other_municipality)
            return user
        return make_person(role)

    return make


def _idea(municipality, status: str = IdeaStatus.PUBLISHED, **fields) -> Idea:
    process = make_process(domains=[make_domain("wirtschaft", "Wirtschaft", 1)])
    make_domain("mobilitaet", "Mobilität", 2)
    extra = {}
    if status == IdeaStatus.MERGED:
        extra["merged_into"] = make_idea(process, title="Ziel")
    return make_idea(
        process,
        title=fields.pop("title", "Mitfahrbank in Andernach"),
        body=fields.pop("body", f"Eine Mitfahrbank am Markt. Rufen Sie mich an: {PHONE}"),
        status=status,
        municipality=municipality,
        **extra,
        **fields,
    )


def _form(idea: Idea, **overrides) -> dict:
    data = {
        "title": idea.title,
        "body": idea.body,
        "redactions": PHONE,
        "domains": [make_domain("mobilitaet").pk],
        "municipality": idea.municipality_id or "",
        "latitude": "",
        "longitude": "",
        "image_alt": "",
        "reason": "Telefonnummer entfernt, Bereich korrigiert",
    }
    data.update(overrides)
    return data


@pytest.fixture
def signed_in_with_idea(client, person, municipality):
    """An idea of ``municipality`` in a status, and the client signed in as a role (or anonymous)."""

    def make(role: str, state: str):
        idea = _idea(municipality, status=state)
        user = person(role, idea)
        if user is not None:
            client.force_login(user)
        return client, user, idea

    return make


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return LOGIN
    if response.status_code == 403:
        return DENIED
    if response.status_code == 302:
        return DONE
    return f"HTTP {response.status_code}"


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [(role, state, EDIT[role][i]) for role in ROLES for i, state in enumerate(STATES)],
)
def test_edit_matrix(signed_in_with_idea, role, state, expected):
    client, user, idea = signed_in_with_idea(role, state)
    may = user is not None and user.has_perm("participation.redact_idea", idea)
    assert may == (expected == DONE)
    url = reverse("participation:idea_edit", args=[idea.pk])

    page_outcome = _outcome(client.get(url))
    response = client.post(url, _form(idea))

    assert _outcome(response) == expected
    assert page_outcome == {LOGIN: LOGIN, DENIED: DENIED, DONE: "HTTP 200"}[expected]
    idea.refresh_from_db()
    events = IdeaEvent.objects.filter(idea=idea, kind=IdeaEvent.Kind.MODERATED)
    if expected == DONE:
        assert PHONE not in idea.body
        assert idea.body.endswith("Rufen Sie mich an: [entfernt]")
        assert [d.slug for d in idea.domains.all()] == ["mobilitaet"]
        assert idea.status == state  # editing never changes the workflow
        event = events.get()
        assert event.actor == user
        assert event.reason == idea.moderation_note == "Telefonnummer entfernt, Bereich korrigiert"
        assert PHONE in event.data["previous"]["body"]
        assert event.data["previous"]["domains"] == ["wirtschaft"]
    else:
        assert PHONE in idea.body
        assert idea.moderation_note == ""
        assert not events.exists()


def test_the_edit_page_is_shown_to_moderators(client, municipality, make_person):
    idea = _idea(municipality)
    client.force_login(make_person("moderator"))
    response = client.get(reverse("participation:idea_edit", args=[idea.pk]))
    assert response.status_code == 200
    assert PHONE in response.content.decode()  # the current text, to edit


@pytest.mark.parametrize(
    "case",
    [
        ({"reason": ""}, "reason", "Bitte geben Sie eine öffentliche Begründung für die Bearbeitung an."),
        (
            {"redactions": "0171 000000"},
            "redactions",
            "Diese Stelle kommt weder im Titel noch in der Beschreibung vor: „0171 000000“",
        ),
        ({"domains": []}, "domains", "Bitte wählen Sie mindestens einen Daseinsbereich."),
    ],
)
def test_bad_input_is_answered_in_german_and_changes_nothing(client, municipality, make_person, case):
    overrides, field, message = case
    idea = _idea(municipality)
    client.force_login(make_person("moderator"))

    response = client.post(reverse("participation:idea_edit", args=[idea.pk]), _form(idea, **overrides))

    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    idea.refresh_from_db()
    assert PHONE in idea.body


def test_a_coordinator_cannot_move_an_idea_to_a_municipality_they_do_not_coordinate(
    municipality, other_municipality, make_person
):
    idea = _idea(municipality)
    coordinator = make_person("coordinator")

    with pytest.raises(PermissionDenied):
        services.idea_edit_by_moderation(
            actor=coordinator,
            idea=idea,
            reason="Falsche Kommune",
            title=idea.title,
            body=idea.body,
            domains=idea.domains.all(),
            municipality=other_municipality,
        )
    assert Idea.objects.get(pk=idea.pk).municipality == municipality


def test_the_public_page_api_and_open_data_show_the_redacted_text_at_once(
    client, municipality, make_person, django_capture_on_commit_callbacks
):
    idea = _idea(municipality)
    page_url = reverse("participation:idea", args=[idea.pk])
    api_url = f"/api/v1/ideas/{idea.pk}"
    assert PHONE in client.get(page_url).content.decode()  # now in the page cache
    assert PHONE in client.get(api_url).content.decode()  # and in the API's cache
    assert PHONE in _text(client.get("/offene-daten/ideen.csv"))

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_edit_by_moderation(
            actor=make_person("moderator"),
            idea=idea,
            reason="Telefonnummer entfernt",
            title=idea.title,
            body=idea.body,
            domains=idea.domains.all(),
            municipality=municipality,
            redactions=[PHONE],
        )

    page = client.get(page_url).content.decode()
    assert PHONE not in page
    assert "Bearbeitet durch die Moderation:" in page
    assert "Telefonnummer entfernt" in page
    for url in (
        api_url,
        "/offene-daten/ideen.csv",
        "/offene-daten/ideen.json",
        "/offene-daten/feeds/ideen.atom",
    ):
        body = _text(client.get(url))
        assert PHONE not in body, url
        assert "[entfernt]" in body, url


def test_the_previous_version_is_for_staff_only(client, municipality, make_person):
    idea = _idea(municipality)
    moderator = make_person("moderator")
    services.idea_edit_by_moderation(
        actor=moderator,
        idea=idea,
        reason="Telefonnummer entfernt",
        title=idea.title,
        body=idea.body,
        domains=idea.domains.all(),
        municipality=municipality,
        redactions=[PHONE],
    )

    assert PHONE not in client.get(reverse("participation:idea", args=[idea.pk])).content.decode()
    client.force_login(moderator)
    staff_page = client.get(reverse("participation:idea_moderate", args=[idea.pk])).content.decode()
    assert PHONE in staff_page
    assert "Frühere Fassungen" in staff_page


def test_the_author_is_notified(municipality, make_person, django_capture_on_commit_callbacks):
    idea = _idea(municipality)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_edit_by_moderation(
            actor=make_person("moderator"),
            idea=idea,
            reason="Telefonnummer entfernt",
            title=idea.title,
            body=idea.body,
            domains=idea.domains.all(),
            municipality=municipality,
            redactions=[PHONE],
        )

    notification = Notification.objects.get(user=idea.author)
    assert notification.kind == Notification.Kind.IDEA_MODERATED
    assert "Telefonnummer entfernt" in notification.message


def test_the_sender_of_an_email_idea_is_told_by_mail(make_person, django_capture_on_commit_callbacks):
    message = EmailMessage(policy=policy.default)
    message["From"] = "Erika Muster <erika@example.org>"
    message["Subject"] = "Mitfahrbank"
    message["Message-ID"] = "<bank@example.org>"
    message.set_content(f"Eine Mitfahrbank. Mein Telefon: {PHONE}")
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_from_email(process=make_process("mail"), message=message)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_edit_by_moderation(
            actor=make_person("moderator"),
            idea=idea,
            reason="Telefonnummer entfernt",
            title=idea.title,
            body=idea.body,
            domains=idea.domains.all(),
            redactions=[PHONE],
        )

    (news,) = mail.outbox
    assert news.to == ["erika@example.org"]
    assert "Telefonnummer entfernt" in news.body
    assert PHONE not in news.body


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("bild.png", buffer.getvalue(), content_type="image/png")


def test_a_removed_image_is_deleted_from_the_public_files(
    municipality, make_person, django_capture_on_commit_callbacks
):
    idea = _idea(municipality)
    idea.image.save("idea.png", _png(), save=True)
    path = idea.image.path

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_edit_by_moderation(
            actor=make_person("moderator"),
            idea=idea,
            reason="Gesicht erkennbar",
            title=idea.title,
            body=idea.body,
            domains=idea.domains.all(),
            municipality=municipality,
            remove_image=True,
        )

    idea.refresh_from_db()
    assert not idea.image
    assert not Path(path).exists()


def test_a_redaction_needs_the_exact_passage(municipality, make_person):
    idea = _idea(municipality)
    with pytest.raises(ValidationError) as error:
        services.idea_edit_by_moderation(
            actor=make_person("program_office"),
            idea=idea,
            reason="x",
            title=idea.title,
            body=idea.body,
            domains=idea.domains.all(),
            municipality=municipality,
            redactions=["   ", "nicht vorhanden"],
        )
    assert "redactions" in error.value.message_dict
