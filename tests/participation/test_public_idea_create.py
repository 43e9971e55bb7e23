"""Submitting an idea online: the happy paths, every kind of bad input (400 with the German message and
nothing stored, never a 500), the honeypot, the rate limit, and who is sent where."""

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from smartregion.participation.models import Follow, Idea, IdeaStatus, ParticipationBlock

from .factories import INSIDE, OUTSIDE, DomainFactory, IdeaFactory
from .public_support import german, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(process):
    return reverse("participation:idea_create", args=[process.slug])


def _data(domain, place=None, **overrides):
    data = {
        "title": "Radweg an der B9",
        "body": "Ein **sicherer** Radweg zwischen Andernach und Weißenthurm.",
        "domains": [domain.pk],
        "municipality": place.pk if place else "",
        "latitude": "",
        "longitude": "",
        "image_alt": "",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def post_idea(citizen_client, collecting, domain, municipality):
    """Posts the idea form of ``collecting`` with valid data changed by the keyword arguments."""
    return lambda **overrides: citizen_client.post(_url(collecting), _data(domain, municipality, **overrides))


def _png(name="foto.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_anonymous_people_are_sent_to_sign_in(client, collecting):
    for response in (client.get(_url(collecting)), client.post(_url(collecting), {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not Idea.objects.exists()


def test_the_form_offers_the_process_domains_and_the_whole_region(
    citizen_client, collecting, domain, municipality
):
    DomainFactory(name="Tourismus", slug="tourismus")  # not one of the process's domains
    response = citizen_client.get(_url(collecting))
    assert response.status_code == 200
    page = text_of(response)
    assert "Mobilität und Verkehr" in page
    assert "Tourismus" not in page
    assert german("The whole region") in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="website"' in page  # the honeypot


def test_a_valid_idea_is_published_and_followed_by_its_author(
    citizen_client, citizen, collecting, domain, municipality
):
    data = _data(domain, municipality, latitude=str(INSIDE[0]), longitude=str(INSIDE[1]))
    response = citizen_client.post(_url(collecting), data)
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    assert idea.status == IdeaStatus.PUBLISHED
    assert idea.author == citizen
    assert idea.municipality == municipality
    assert (idea.latitude, idea.longitude) == INSIDE
    assert list(idea.domains.all()) == [domain]
    assert "<strong>sicherer</strong>" in idea.body_html
    assert Follow.objects.filter(user=citizen, idea=idea).exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        german("Thank you! Your idea is published.")
    ]


def test_coordinates_with_many_decimals_are_rounded_to_what_is_stored(citizen_client, collecting, domain):
    data = _data(domain, latitude="50.4330049", longitude="7.4000051")
    assert citizen_client.post(_url(collecting), data).status_code == 302
    idea = Idea.objects.get()
    assert (idea.latitude, idea.longitude) == (Decimal("50.43300"), Decimal("7.40001"))


def test_a_first_idea_in_a_premoderated_process_waits_and_its_author_can_see_it(
    citizen_client, collecting, domain
):
    collecting.premoderate_new_users = True
    collecting.save()
    response = citizen_client.post(_url(collecting), _data(domain))
    idea = Idea.objects.get()
    assert idea.status == IdeaStatus.SUBMITTED
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        german("Thank you! Your idea will be published as soon as a moderator has looked at it.")
    ]
    page = citizen_client.get(idea.get_absolute_url())
    assert page.status_code == 200
    assert german(
        "This idea awaits moderation. Until it is published, only its author and the moderators can see it."
    ) in text_of(page)


def test_an_image_is_stored_re_encoded_with_its_description(citizen_client, collecting, domain):
    data = _data(domain, image=_png(), image_alt="Ein blauer Radweg")
    assert citizen_client.post(_url(collecting), data).status_code == 302
    idea = Idea.objects.get()
    assert idea.image.name.endswith(".png")
    assert idea.image_alt == "Ein blauer Radweg"
    page = text_of(citizen_client.get(idea.get_absolute_url()))
    assert f'src="{idea.image.url}" alt="Ein blauer Radweg"' in page


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": ""}, lambda: german("Please give your idea a title.")),
        ({"title": "   "}, lambda: german("Please give your idea a title.")),
        ({"title": "x" * 151}, lambda: "höchstens 150 Zeichen"),
        ({"body": ""}, lambda: german("Please describe your idea.")),
        ({"body": "x" * 10001}, lambda: "höchstens 10000 Zeichen"),
        ({"domains": []}, lambda: german("Please choose at least one domain of life.")),
        ({"domains": ["999999"]}, lambda: "Bitte eine gültige Auswahl treffen"),
        ({"municipality": "999999"}, lambda: "Bitte eine gültige Auswahl treffen"),
        (
            {"latitude": str(OUTSIDE[0]), "longitude": str(OUTSIDE[1])},
            lambda: german("This place lies outside the region. Please choose a place within the region."),
        ),
        ({"latitude": "50.4"}, lambda: german("Please give both latitude and longitude, or neither.")),
        ({"latitude": "abc", "longitude": "7.4"}, lambda: "Bitte eine Zahl eingeben."),
        ({"latitude": "95", "longitude": "7.4"}, lambda: "kleiner oder gleich 90"),
        (
            {"image": "broken", "image_alt": "Foto"},
            lambda: german("This file is not an image we can use. Please upload a JPEG, PNG or WebP file."),
        ),
        (
            {"image": "png"},
            lambda: german("Please describe what the image shows, for people who cannot see it."),
        ),
    ],
)
def test_bad_input_is_400_with_the_german_message_and_nothing_is_stored(post_idea, overrides, expected):
    overrides = dict(overrides)
    if overrides.get("image") == "broken":
        overrides["image"] = SimpleUploadedFile(
            "foto.png", b"GIF89a this is no image", content_type="image/png"
        )
    elif overrides.get("image") == "png":
        overrides["image"] = _png()
    response = post_idea(**overrides)
    assert response.status_code == 400
    assert expected() in text_of(response)
    assert 'aria-invalid="true"' in text_of(response)
    assert not Idea.objects.exists()


def test_a_filled_honeypot_stores_nothing(citizen_client, collecting, domain):
    response = citizen_client.post(_url(collecting), _data(domain, website="http://spam.example"))
    assert response.status_code == 400
    assert not Idea.objects.exists()


def test_failed_submissions_do_not_use_up_the_ideas_a_person_may_store(citizen_client, collecting, domain):
    """Ten ideas an hour count what was stored: three corrected mistakes before each idea cost nothing."""
    answers = []
    for n in range(10):
        answers += [
            citizen_client.post(_url(collecting), _data(domain, title="")).status_code for _ in range(3)
        ]
        answers.append(citizen_client.post(_url(collecting), _data(domain, title=f"Idee {n}")).status_code)
    assert answers == ([400] * 3 + [302]) * 10
    assert Idea.objects.count() == 10


def test_the_eleventh_idea_is_refused_with_the_form_kept(citizen_client, collecting, domain):
    for n in range(10):
        assert citizen_client.post(_url(collecting), _data(domain, title=f"Idee {n}")).status_code == 302
    response = citizen_client.post(
        _url(collecting), _data(domain, title="Meine elfte Idee", body="Gut **so**.")
    )
    assert response.status_code == 429
    page = text_of(response)
    assert "Sie haben in kurzer Zeit viele Ideen eingereicht" in page
    assert 'value="Meine elfte Idee"' in page
    assert "Gut **so**." in page
    assert Idea.objects.count() == 10


def test_failed_submissions_are_limited_separately_and_more_generously(citizen_client, collecting, domain):
    answers = [citizen_client.post(_url(collecting), _data(domain, title="")).status_code for _ in range(61)]
    assert answers == [400] * 60 + [429]
    response = citizen_client.post(_url(collecting), _data(domain, title="Trotzdem getippt"))
    assert response.status_code == 429
    assert 'value="Trotzdem getippt"' in text_of(response)
    assert not Idea.objects.exists()


def test_submitting_is_rate_limited_per_address(client, collecting, domain):
    from ..factories import UserFactory

    answers = []
    for n in range(31):
        client.force_login(UserFactory())
        answers.append(client.post(_url(collecting), _data(domain, title=f"Idee {n}")).status_code)
    assert answers[:30] == [302] * 30
    assert answers[30] == 429
    assert Idea.objects.count() == 30


def test_blocked_people_read_why_they_cannot_submit(citizen_client, citizen, collecting, domain):
    ParticipationBlock.objects.create(user=citizen, reason="Wiederholt beleidigend")
    for response in (
        citizen_client.get(_url(collecting)),
        citizen_client.post(_url(collecting), _data(domain)),
    ):
        assert response.status_code == 403
        assert german(
            "You are blocked from contributing. Reason: %(reason)s", reason="Wiederholt beleidigend"
        ) in (text_of(response))
    assert not Idea.objects.exists()


def test_unknown_and_draft_processes_are_404(citizen_client, collecting):
    assert citizen_client.get(reverse("participation:idea_create", args=["gibt-es-nicht"])).status_code == 404
    collecting.visibility = collecting.Visibility.DRAFT
    collecting.save()
    assert citizen_client.get(_url(collecting)).status_code == 404


def test_ideas_of_others_do_not_count_as_the_first_idea(citizen_client, citizen, collecting, domain):
    """Pre-moderation asks for the person's own published ideas only."""
    collecting.premoderate_new_users = True
    collecting.save()
    IdeaFactory(process=collecting, author=citizen)
    citizen_client.post(_url(collecting), _data(domain, title="Zweite Idee"))
    assert Idea.objects.get(title="Zweite Idee").status == IdeaStatus.PUBLISHED
