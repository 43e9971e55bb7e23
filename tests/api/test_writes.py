"""Writing through the API: the same services, rules and limits as the pages, answered as problems."""

import json

import pytest
from django.test import Client

from smartregion.api import services as tokens
from smartregion.participation import services as participation
from smartregion.participation.models import Comment, Idea, IdeaStatus, Support

from ..factories import UserFactory
from ..participation.factories import IdeaFactory, ProcessFactory
from .conftest import bearer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return UserFactory(display_name="Paul Programm")


@pytest.fixture
def bearer(person):
    return bearer_client(person)


def _send(client, method, url, payload=None, **extra):
    body = json.dumps(payload) if payload is not None else ""
    return getattr(client, method)(url, data=body, content_type="application/json", **extra)


def _idea(world, **changes):
    payload = {
        "process": "mobil",
        "title": "Carsharing in Mendig",
        "body": "Ein Elektroauto am Bahnhof.",
        "domains": ["mobilitaet"],
        "municipality": "andernach",
        "latitude": "50.43",
        "longitude": "7.40",
    }
    return payload | changes


def test_a_token_submits_an_idea_in_its_owners_name(bearer, person, world):
    response = _send(bearer, "post", "/api/v1/ideas", _idea(world))
    assert response.status_code == 201, response.content
    data = response.json()
    idea = Idea.objects.get(pk=data["id"])
    assert idea.author == person
    assert data["attribution"] == "Paul Programm"
    assert data["municipality"] == "andernach"
    assert str(idea.latitude) == "50.43000"


def test_bad_idea_input_names_each_field_and_stores_nothing(bearer, world):
    before = Idea.objects.count()
    response = _send(
        bearer, "post", "/api/v1/ideas", _idea(world, title="", domains=["gibt-es-nicht"], latitude="1.0")
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"title", "domains"} <= fields
    assert Idea.objects.count() == before


def test_failed_ideas_do_not_use_up_the_ideas_a_token_may_store(bearer, world):
    """As on the page: ten stored ideas an hour, however many attempts failed on the way."""
    failed = [_send(bearer, "post", "/api/v1/ideas", _idea(world, title="")).status_code for _ in range(12)]
    stored = [
        _send(bearer, "post", "/api/v1/ideas", _idea(world, title=f"Idee {n}")).status_code for n in range(11)
    ]
    assert failed == [422] * 12
    assert stored == [201] * 10 + [429]


def test_missing_fields_and_broken_json_are_422_not_500(bearer, world):
    response = _send(bearer, "post", "/api/v1/ideas", {"title": "Nur ein Titel"})
    assert response.status_code == 422
    missing = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert missing["process"] == "Dieses Feld ist zwingend erforderlich."
    broken = bearer.post("/api/v1/ideas", data="{nicht json", content_type="application/json")
    assert broken.status_code in (400, 422)
    assert broken["Content-Type"] == "application/problem+json"


def test_unknown_process_is_a_field_error(bearer, world):
    response = _send(bearer, "post", "/api/v1/ideas", _idea(world, process="unbekannt"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "process"


def test_proposing_outside_the_idea_collection_is_refused_with_the_pages_reason(bearer, world):
    ProcessFactory(slug="vorbei", phase="after")
    response = _send(bearer, "post", "/api/v1/ideas", _idea(world, process="vorbei"))
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert detail == "Ideen können nur eingereicht werden, solange die Ideensammlung läuft."


def test_without_credentials_writes_are_401(api_client, world):
    response = _send(api_client, "post", "/api/v1/ideas", _idea(world))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert _send(api_client, "put", f"/api/v1/ideas/{world['ideas'][0].pk}/support").status_code == 401


def test_revoked_expired_and_made_up_tokens_are_401(person, world):
    token, secret = tokens.token_create(user=person, name="Alt", lifetime_days=30)
    tokens.token_revoke(user=person, token=token)
    for value in (secret, "sr_ausgedacht", "kein-token"):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {value}")
        assert _send(client, "put", f"/api/v1/ideas/{world['ideas'][0].pk}/support").status_code == 401


def test_session_needs_the_csrf_token(person, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    url = f"/api/v1/ideas/{world['ideas'][0].pk}/support"
    refused = _send(client, "put", url)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert _send(client, "put", url, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_support_and_withdraw_are_idempotent(bearer, person, world):
    idea = world["ideas"][0]
    url = f"/api/v1/ideas/{idea.pk}/support"
    for _ in range(2):
        response = _send(bearer, "put", url)
        assert response.status_code == 200
        assert response.json() == {"idea": idea.pk, "supported": True, "support_count": 1}
    assert Support.objects.filter(idea=idea, user=person).count() == 1
    for _ in range(2):
        response = _send(bearer, "delete", url)
        assert response.json() == {"idea": idea.pk, "supported": False, "support_count": 0}


def test_supporting_a_closed_idea_is_a_conflict(bearer, world, office):
    idea = world["ideas"][1]
    participation.idea_status_change(
        actor=office, idea=idea, status=IdeaStatus.NOT_PURSUED, reason="Zu teuer."
    )
    response = _send(bearer, "put", f"/api/v1/ideas/{idea.pk}/support")
    assert response.status_code == 409
    assert "nicht mehr unterstützt" in response.json()["detail"]


def test_supporting_a_hidden_idea_is_404(bearer, world):
    assert _send(bearer, "put", f"/api/v1/ideas/{world['hidden'].pk}/support").status_code == 404


def test_blocked_person_is_refused_with_the_reason(bearer, person, world, office):
    participation.user_block(actor=office, user=person, reason="Beleidigungen")
    response = _send(bearer, "post", f"/api/v1/ideas/{world['ideas'][0].pk}/comments", {"body": "Hallo"})
    assert response.status_code == 403
    assert "Beleidigungen" in response.json()["detail"]


def test_comment_and_reply(bearer, person, world):
    url = f"/api/v1/ideas/{world['ideas'][0].pk}/comments"
    first = _send(bearer, "post", url, {"body": "Sehr **gute** Idee."})
    assert first.status_code == 201
    reply = _send(bearer, "post", url, {"body": "Nachtrag", "parent": first.json()["id"]})
    assert reply.status_code == 201
    assert reply.json()["parent"] == first.json()["id"]
    nested = _send(bearer, "post", url, {"body": "Zu tief", "parent": reply.json()["id"]})
    assert nested.status_code == 422
    assert nested.json()["errors"][0]["field"] == "parent"
    empty = _send(bearer, "post", url, {"body": "   "})
    assert empty.status_code == 422
    assert empty.json()["errors"][0] == {"field": "body", "message": "Bitte schreiben Sie einen Kommentar."}
    assert Comment.objects.filter(author=person).count() == 2


def test_comment_on_another_ideas_comment_is_refused(bearer, world):
    other = IdeaFactory(process=world["process"])
    foreign = Comment.objects.filter(idea=world["ideas"][0]).first()
    response = _send(
        bearer, "post", f"/api/v1/ideas/{other.pk}/comments", {"body": "x", "parent": foreign.pk}
    )
    assert response.status_code == 422


def test_rate_limit_is_shared_with_the_pages(bearer, person, world, settings):
    url = f"/api/v1/ideas/{world['ideas'][0].pk}/comments"
    answers = [_send(bearer, "post", url, {"body": f"Kommentar {n}"}).status_code for n in range(31)]
    assert answers[:30] == [201] * 30
    assert answers[30] == 429
    # The page counts the same: the 31st comment through the form is refused as well.
    page = Client()
    page.force_login(person)
    assert page.post(f"/ideen/{world['ideas'][0].pk}/kommentare/", {"body": "Noch einer"}).status_code == 429


def test_nul_in_a_comment_is_refused(bearer, world):
    url = f"/api/v1/ideas/{world['ideas'][0].pk}/comments"
    response = _send(bearer, "post", url, {"body": "Hallo\u0000Welt"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    assert not Comment.objects.filter(body__contains="Hallo").exists()
