"""The measure management pages: who may open them, bad input answered on the form with status 400 and
nothing stored, good input stored through the services with a message."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from smartregion.participation.models import Idea, IdeaStatus, Notification, Process
from smartregion.program import services as program_services
from smartregion.program.models import BudgetLine, Expense, Milestone
from smartregion.strategy import services as strategy_services
from smartregion.strategy.manage_forms import german_amount
from smartregion.strategy.models import IdeaLink, Measure, MeasureStatus

from ..factories import UserFactory


def _url(measure, action):
    return reverse("strategy:measure_action", args=[measure.slug, action])


@pytest.fixture
def measure(program, make_measure):
    return make_measure()


@pytest.fixture
def idea(db, municipality):
    process = Process.objects.create(
        title="MYK10", slug="myk10", summary="s", visibility=Process.Visibility.PUBLIC
    )
    return Idea.objects.create(
        process=process,
        title="Mitfahrbank",
        body="b",
        body_html="<p>b</p>",
        author=UserFactory(),
        municipality=municipality,
        status=IdeaStatus.PUBLISHED,
        published_at=timezone.now(),
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("citizen", 403), ("coordinator", 200), ("expert", 403), ("program_office", 200)],
)
def test_who_may_open_the_budget_page(client, signed_in, measure, role, expected):
    signed_in(role)
    assert client.get(_url(measure, "budget")).status_code == expected


def test_unknown_actions_and_measures_are_404(client, signed_in, measure):
    signed_in("program_office")
    assert client.get(_url(measure, "zaubern")).status_code == 404
    assert client.get(reverse("strategy:measure_action", args=["gibt-es-nicht", "budget"])).status_code == 404


def test_budget_in_german_notation_and_over_allocation(client, signed_in, measure, program):
    federal, _own = program
    signed_in("program_office")
    response = client.post(
        _url(measure, "budget"), {"source": federal.pk, "year": 2027, "planned": "1.000,01"}
    )
    assert response.status_code == 400
    assert "1.000,00 EUR" in response.content.decode()  # what the source has left
    assert not BudgetLine.objects.exists()

    response = client.post(_url(measure, "budget"), {"source": federal.pk, "year": 2027, "planned": "650,50"})
    assert response.status_code == 302
    assert BudgetLine.objects.get().planned == Decimal("650.50")


def test_expense_beyond_the_line_is_refused_on_the_form(client, signed_in, measure, program):
    federal, _own = program
    office = signed_in("program_office")
    line = program_services.budget_line_set(
        actor=office, measure=measure, source=federal, year=2027, planned="100"
    )
    form = {
        "budget_line": line.pk,
        "kind": "commitment",
        "amount": "100,01",
        "booked_on": timezone.localdate().isoformat(),
        "description": "Auftrag Beschilderung",
    }
    response = client.post(_url(measure, "ausgabe"), form)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Expense.objects.exists()
    response = client.post(_url(measure, "ausgabe"), {**form, "amount": "100"})
    assert response.status_code == 302
    assert Expense.objects.get().amount == Decimal("100.00")


def test_linking_an_idea_by_its_address_adopts_it_and_tells_its_author(  # noqa: PLR0917 - fixtures
    client, signed_in, measure, idea, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://beteiligung.example.org"
    signed_in("program_office")
    address = f"https://beteiligung.example.org{idea.get_absolute_url()}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(measure, "idee-verknuepfen"), {"idea": address, "note": "Pilot in Andernach"}
        )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ADOPTED
    assert IdeaLink.objects.get().note == "Pilot in Andernach"
    assert Measure.objects.get(pk=measure.pk).idea_count == 1
    assert Notification.objects.filter(user=idea.author).exists()

    # The same idea again: a message on the form, nothing doubled.
    response = client.post(_url(measure, "idee-verknuepfen"), {"idea": str(idea.pk)})
    assert response.status_code == 400
    assert IdeaLink.objects.count() == 1


@pytest.mark.parametrize(
    "reference",
    [
        "http://evil.example/ideen/{pk}/",
        "https://beteiligung.example.org.evil.example/ideen/{pk}/",
        "javascript:/ideen/{pk}/",
        "//evil.example/ideen/{pk}/",
        "/moderation/ideen/{pk}/",
        "/ideen/{pk}/unterstuetzen/",
        "Idee {pk}",
    ],
)
def test_only_this_sites_addresses_and_plain_numbers_name_an_idea(  # noqa: PLR0917 - fixtures
    client, signed_in, measure, idea, settings, reference
):
    settings.SITE_URL = "https://beteiligung.example.org"
    signed_in("program_office")
    response = client.post(_url(measure, "idee-verknuepfen"), {"idea": reference.format(pk=idea.pk)})
    assert response.status_code == 400
    assert "Auf dieser Website gibt es keine Idee mit dieser Nummer oder Adresse" in response.content.decode()
    assert not IdeaLink.objects.exists()


@pytest.mark.parametrize(
    "reference",
    ["{pk}", " {pk} ", "/ideen/{pk}/", "http://testserver/ideen/{pk}/#kommentare", "{site}/ideen/{pk}"],
)
def test_this_sites_addresses_and_numbers_are_accepted(  # noqa: PLR0917 - fixtures
    client, signed_in, measure, idea, settings, reference
):
    settings.SITE_URL = "https://beteiligung.example.org:8443"
    signed_in("program_office")
    value = reference.format(pk=idea.pk, site=settings.SITE_URL)
    assert client.post(_url(measure, "idee-verknuepfen"), {"idea": value}).status_code == 302
    assert IdeaLink.objects.get().idea == idea


def test_the_link_page_searches_ideas_by_title_and_fills_the_choice_in(client, signed_in, measure, idea):
    other = Idea.objects.create(
        process=idea.process,
        title="Dorfladen",
        body="b",
        body_html="<p>b</p>",
        author=UserFactory(),
        status=IdeaStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    hidden = Idea.objects.create(
        process=idea.process,
        title="Mitfahrbank geheim",
        body="b",
        author=UserFactory(),
        status=IdeaStatus.SUBMITTED,
    )
    signed_in("program_office")
    page = client.get(_url(measure, "idee-verknuepfen"), {"suche": "Mitfahrbank"}).content.decode()
    assert 'name="suche"' in page
    assert f"idee={idea.pk}" in page
    assert f"idee={other.pk}" not in page
    assert f"idee={hidden.pk}" not in page
    # htmx swaps the results in as one types; the answer is the same page, from which it selects them.
    htmx = client.get(
        _url(measure, "idee-verknuepfen"), {"suche": "Dorfladen"}, headers={"HX-Request": "true"}
    )
    assert 'id="idea-results"' in htmx.content.decode()
    assert f"idee={other.pk}" in htmx.content.decode()
    chosen = client.get(_url(measure, "idee-verknuepfen"), {"suche": "Mitfahrbank", "idee": str(idea.pk)})
    assert f'name="idea" value="{idea.pk}"' in chosen.content.decode()
    strategy_services.idea_link(actor=UserFactory(is_superuser=True), measure=measure, idea=idea)
    again = client.get(_url(measure, "idee-verknuepfen"), {"suche": "Mitfahrbank"}).content.decode()
    assert f"idee={idea.pk}" not in again


def test_a_status_change_and_a_milestone_reach_the_ideas_people(
    client, signed_in, measure, idea, django_capture_on_commit_callbacks
):
    office = signed_in("program_office")
    strategy_services.idea_link(actor=office, measure=measure, idea=idea)
    milestone = program_services.milestone_add(
        actor=office, measure=measure, title="Bänke aufgestellt", due_on=timezone.localdate()
    )
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(measure, "status"), {"status": MeasureStatus.RUNNING, "reason": ""})
        client.post(
            _url(measure, "meilenstein-erreicht"),
            {"milestone": milestone.pk, "done_on": timezone.localdate().isoformat()},
        )
    messages = list(Notification.objects.filter(user=idea.author).values_list("message", flat=True))
    assert len(messages) == 2
    assert any("Bänke aufgestellt" in message for message in messages)
    assert Milestone.objects.get().done_on == timezone.localdate()


def test_a_milestone_in_the_future_cannot_be_reached(client, signed_in, measure):
    office = signed_in("program_office")
    milestone = program_services.milestone_add(
        actor=office, measure=measure, title="Abnahme", due_on=timezone.localdate()
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        _url(measure, "meilenstein-erreicht"), {"milestone": milestone.pk, "done_on": tomorrow.isoformat()}
    )
    assert response.status_code == 400
    assert Milestone.objects.get().done_on is None


@pytest.mark.usefixtures("program")
def test_a_coordinator_creates_measures_only_for_own_municipalities(
    client, signed_in, strategy, domain, request
):
    municipality = request.getfixturevalue("municipality")
    other_municipality = request.getfixturevalue("other_municipality")
    signed_in("coordinator")
    form = {
        "strategy": strategy.pk,
        "title": "Dorfladen mit Abholstation",
        "summary": "Ein digitaler Dorfladen.",
        "domains": [domain.pk],
        "municipalities": [other_municipality.pk],
    }
    response = client.post(reverse("strategy:measure_create"), form)
    assert response.status_code == 400
    assert not Measure.objects.exists()
    response = client.post(reverse("strategy:measure_create"), {**form, "municipalities": [municipality.pk]})
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert (measure.slug, measure.is_published) == ("dorfladen-mit-abholstation", False)


def test_an_empty_measure_form_says_what_is_missing(client, signed_in):
    signed_in("program_office")
    response = client.post(reverse("strategy:measure_create"), {})
    assert response.status_code == 400
    assert response.content.decode().count('aria-invalid="true"') >= 3


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("4.500", "4500"),
        ("1.250,50", "1250.50"),
        ("1250.50", "1250.50"),
        ("12,5", "12.5"),
        ("1.250.000 €", "1250000"),
        ("0.50", "0.50"),
        ("12.5", "12.5"),
    ],
)
def test_amounts_are_read_the_german_way(typed, parsed):
    assert german_amount(typed) == parsed


def test_the_measure_page_flags_a_funding_rate_above_the_limit(client, signed_in, measure, program):
    federal, own = program  # federal pays at most 65 %
    office = signed_in("program_office")
    program_services.budget_line_set(actor=office, measure=measure, source=federal, year=2027, planned="70")
    program_services.budget_line_set(actor=office, measure=measure, source=own, year=2027, planned="30")
    page = client.get(measure.get_absolute_url()).content.decode()
    assert f'id="funding-rate-{federal.pk}"' in page
    assert "kern-alert--warning" in page
    assert "70,00" in page
    program_services.budget_line_set(actor=office, measure=measure, source=own, year=2028, planned="10")
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "63,64" in page  # 70 of 110
    assert "kern-alert--warning" not in page
