"""The expert board's assessment: the scoring rules, the weighted results, who sees whose scores, the
public results after publishing, the pages' query counts, and bad form input answered with 400."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from smartregion.participation.models import Idea, IdeaStatus, Process
from smartregion.strategy import assessment as service
from smartregion.strategy.models import Assessment, AssessmentRound, Criterion, Score
from smartregion.web.demo import seed_all

from ..factories import RoleGrantFactory, UserFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def criteria(db):
    impact = Criterion.objects.create(name="Wirkung", weight=3, position=1)
    cost = Criterion.objects.create(name="Kosten", weight=1, position=2)
    Criterion.objects.create(name="Alt", weight=5, position=3, is_active=False)
    return impact, cost


@pytest.fixture
def process(db):
    return Process.objects.create(
        title="MYK10", slug="myk10", summary="s", visibility=Process.Visibility.PUBLIC
    )


@pytest.fixture
def make_idea(process, municipality):
    def make(title: str = "Mitfahrbank", *, supports: int = 0, status: str = IdeaStatus.PUBLISHED) -> Idea:
        return Idea.objects.create(
            process=process,
            title=title,
            body="b",
            body_html="<p>b</p>",
            author=UserFactory(),
            municipality=municipality,
            status=status,
            published_at=timezone.now(),
            support_count=supports,
        )

    return make


@pytest.fixture
def idea(make_idea):
    return make_idea(supports=7)


@pytest.fixture
def measure(make_measure):
    measure = make_measure(title="Rufbus")
    measure.budget_planned = Decimal("12000.00")
    measure.save()
    return measure


@pytest.fixture
def assessment_round(db, idea, measure):
    today = timezone.localdate()
    assessment_round = AssessmentRound.objects.create(
        title="Runde 1", opens_on=today - DAY, closes_on=today + DAY
    )
    assessment_round.ideas.add(idea)
    assessment_round.measures.add(measure)
    return assessment_round


def expert():
    person = UserFactory()
    RoleGrantFactory(user=person, role="expert")
    return person


def submit(person, assessment_round, criteria, values, *, idea=None, measure=None, **kwargs):
    impact, cost = criteria
    scores = dict(zip((impact.pk, cost.pk), values, strict=False)) if values else {}
    return service.assessment_submit(
        expert=person,
        round=assessment_round,
        idea=idea,
        measure=measure,
        scores=scores,
        comment="ok",
        **kwargs,
    )


# Scoring rules


def test_a_complete_assessment_stores_one_score_per_active_criterion(assessment_round, criteria, idea):
    assessment = submit(expert(), assessment_round, criteria, (4, 2), idea=idea)
    assert sorted(Score.objects.filter(assessment=assessment).values_list("value", flat=True)) == [2, 4]
    assert assessment.submitted_at is not None


def test_every_active_criterion_needs_a_score(assessment_round, criteria, idea):
    _impact, cost = criteria
    with pytest.raises(ValidationError) as error:
        submit(expert(), assessment_round, criteria, (4,), idea=idea)
    assert service.score_field(cost) in error.value.error_dict
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("value", [0, 6, -1])
def test_scores_are_1_to_5(assessment_round, criteria, idea, value):
    impact, _cost = criteria
    with pytest.raises(ValidationError) as error:
        submit(expert(), assessment_round, criteria, (value, 3), idea=idea)
    assert list(error.value.error_dict) == [service.score_field(impact)]
    assert not Assessment.objects.exists()


def test_an_inactive_criterion_cannot_be_scored(assessment_round, criteria, idea):
    impact, cost = criteria
    old = Criterion.objects.get(is_active=False)
    with pytest.raises(ValidationError):
        service.assessment_submit(
            expert=expert(),
            round=assessment_round,
            idea=idea,
            scores={impact.pk: 3, cost.pk: 3, old.pk: 3},
            comment="",
        )


def test_a_conflict_stores_no_scores(assessment_round, criteria, idea):
    assessment = submit(
        expert(), assessment_round, criteria, (), idea=idea, conflict=True, conflict_note="Mein Verein"
    )
    assert assessment.conflict_of_interest
    assert assessment.conflict_note == "Mein Verein"
    assert not Score.objects.exists()


def test_a_conflict_with_scores_is_refused(assessment_round, criteria, idea):
    with pytest.raises(ValidationError) as error:
        submit(expert(), assessment_round, criteria, (3, 3), idea=idea, conflict=True)
    assert "conflict" in error.value.error_dict
    assert not Assessment.objects.exists()


def test_no_second_submission(assessment_round, criteria, idea):
    person = expert()
    submit(person, assessment_round, criteria, (3, 3), idea=idea)
    with pytest.raises(ValidationError, match="nicht mehr geändert"):
        submit(person, assessment_round, criteria, (5, 5), idea=idea)
    assert Assessment.objects.count() == 1
    assert set(Score.objects.values_list("value", flat=True)) == {3}


@pytest.mark.parametrize(("opens", "closes"), [(1, 5), (-5, -1)])
def test_not_outside_the_rounds_dates(assessment_round, criteria, idea, opens, closes):
    today = timezone.localdate()
    assessment_round.opens_on, assessment_round.closes_on = today + opens * DAY, today + closes * DAY
    assessment_round.save()
    with pytest.raises(PermissionDenied):
        submit(expert(), assessment_round, criteria, (3, 3), idea=idea)


@pytest.mark.parametrize("role", ["citizen", "moderator", "coordinator", "program_office"])
def test_only_experts_assess(assessment_round, criteria, idea, make_person, role):
    with pytest.raises(PermissionDenied):
        submit(make_person(role), assessment_round, criteria, (3, 3), idea=idea)


def test_candidates_must_belong_to_the_round(assessment_round, criteria, make_idea):
    with pytest.raises(ValidationError, match="gehört nicht zur Bewertungsrunde"):
        submit(expert(), assessment_round, criteria, (3, 3), idea=make_idea("Andere"))


def test_exactly_one_candidate(assessment_round, criteria, idea, measure):
    with pytest.raises(ValidationError):
        submit(expert(), assessment_round, criteria, (3, 3), idea=idea, measure=measure)
    with pytest.raises(ValidationError):
        submit(expert(), assessment_round, criteria, (3, 3))


# Results


def test_the_weighted_mean_on_a_hand_computed_example(assessment_round, criteria, idea, measure):
    # Weights: impact 3, cost 1. (5,1) → 16/4 = 4.00; (2,4) → 10/4 = 2.50; (4,3) → 15/4 = 3.75;
    # mean (4 + 2.5 + 3.75) / 3 = 3.41666… → 3.42. The conflict counts apart and scores nothing.
    for values in ((5, 1), (2, 4), (4, 3)):
        submit(expert(), assessment_round, criteria, values, idea=idea)
    submit(expert(), assessment_round, criteria, (), idea=idea, conflict=True)
    submit(expert(), assessment_round, criteria, (1, 1), measure=measure)

    results = {item.kind: item for item in service.round_results(assessment_round)}
    assert results["idea"].score == Decimal("3.42")
    assert (results["idea"].assessment_count, results["idea"].conflict_count) == (3, 1)
    assert (results["idea"].support, results["idea"].cost) == (7, None)
    assert results["measure"].score == Decimal("1.00")
    assert (results["measure"].support, results["measure"].cost) == (None, Decimal("12000.00"))


def test_prioritization_orders(assessment_round, criteria, idea, measure, make_idea):
    popular = make_idea("Beliebt", supports=50)
    assessment_round.ideas.add(popular)
    submit(expert(), assessment_round, criteria, (5, 5), measure=measure)
    submit(expert(), assessment_round, criteria, (3, 3), idea=idea)

    def titles(order):
        return [item.candidate.title for item in service.prioritization(assessment_round, order)]

    assert titles("score") == ["Rufbus", "Mitfahrbank", "Beliebt"]  # unscored last
    assert titles("support") == ["Beliebt", "Mitfahrbank", "Rufbus"]
    assert titles("cost") == ["Rufbus", "Beliebt", "Mitfahrbank"]


def test_results_are_published_once_and_only_by_the_office(assessment_round, make_person):
    with pytest.raises(PermissionDenied):
        service.results_publish(actor=make_person("expert"), round=assessment_round)
    office = make_person("program_office")
    service.results_publish(actor=office, round=assessment_round)
    assert assessment_round.results_published_at is not None
    assert assessment_round.results_published_by == office
    with pytest.raises(ValidationError, match="bereits veröffentlicht"):
        service.results_publish(actor=office, round=assessment_round)


# Who sees whose scores


def test_others_scores_hidden_before_own_submission_and_visible_after(
    assessment_round, criteria, idea, make_person
):
    first, second = expert(), expert()
    submit(first, assessment_round, criteria, (5, 1), idea=idea)
    assert list(service.visible_scores(second, assessment_round, idea=idea)) == []
    submit(second, assessment_round, criteria, (2, 2), idea=idea)
    assert [a.expert for a in service.visible_scores(second, assessment_round, idea=idea)] == [first]
    assert len(service.visible_scores(make_person("program_office"), assessment_round, idea=idea)) == 2
    for role in ("anonymous", "citizen", "coordinator"):
        viewer = make_person(role) or AnonymousUser()
        assert list(service.visible_scores(viewer, assessment_round, idea=idea)) == []


def test_a_criterions_description_is_shown_as_text_not_markup(client, assessment_round, criteria, idea):
    impact = criteria[0]
    impact.description = 'Wirkt <b onmouseover="x()">stark</b> & breit'
    impact.save()
    client.force_login(expert())
    page = client.get(reverse("strategy:assess_idea", args=[assessment_round.pk, idea.pk])).content.decode()
    assert "Wirkt &lt;b onmouseover=&quot;x()&quot;&gt;stark&lt;/b&gt; &amp; breit" in page
    assert "<b onmouseover" not in page


def test_the_scoring_page_shows_others_only_after_submitting(client, assessment_round, criteria, idea):
    first, second = expert(), expert()
    submit(first, assessment_round, criteria, (5, 1), idea=idea)
    first.display_name = "Erste Expertin"
    first.save()
    client.force_login(second)
    url = reverse("strategy:assess_idea", args=[assessment_round.pk, idea.pk])
    page = client.get(url).content.decode()
    assert "Erste Expertin" not in page
    assert 'type="radio"' in page
    assert "<legend" in page
    impact, cost = criteria
    response = client.post(
        url, {service.score_field(impact): "4", service.score_field(cost): "2", "comment": "gut"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Erste Expertin" in page
    assert 'type="radio"' not in page


# Pages


def test_public_404_before_publishing_and_aggregates_after(
    client, assessment_round, criteria, idea, make_person
):
    submit(expert(), assessment_round, criteria, (5, 1), idea=idea)
    url = assessment_round.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(make_person("citizen"))
    assert client.get(url).status_code == 404
    service.results_publish(actor=make_person("program_office"), round=assessment_round)
    page = client.get(url).content.decode()
    assert "4.00" in page or "4,00" in page
    assert "ok" not in page.split("<main")[-1]  # comments stay internal
    client.logout()
    assert client.get(url).status_code == 200


def test_hidden_ideas_stay_out_of_the_public_table(client, assessment_round, make_idea, make_person):
    assessment_round.ideas.add(make_idea("Versteckt", status=IdeaStatus.HIDDEN))
    service.results_publish(actor=make_person("program_office"), round=assessment_round)
    page = client.get(assessment_round.get_absolute_url()).content.decode()
    assert "Mitfahrbank" in page
    assert "Versteckt" not in page


def test_the_expert_page_shows_the_state_of_each_candidate(client, assessment_round, criteria, idea, measure):
    person = expert()
    submit(person, assessment_round, criteria, (), measure=measure, conflict=True)
    client.force_login(person)
    page = client.get(assessment_round.get_absolute_url()).content.decode()
    assert "conflict of interest" in page or "Interessenkonflikt" in page
    assert reverse("strategy:assess_idea", args=[assessment_round.pk, idea.pk]) in page


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("citizen", 403), ("expert", 200), ("program_office", 200)]
)
def test_who_may_open_the_rounds(client, signed_in, assessment_round, role, expected):
    signed_in(role)
    assert client.get(reverse("strategy:assessment_rounds")).status_code == expected


def test_the_office_publishes_from_the_round_page(client, signed_in, assessment_round):
    url = reverse("strategy:assessment_publish", args=[assessment_round.pk])
    signed_in("expert")
    assert client.post(url).status_code == 403
    signed_in("program_office")
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assessment_round.refresh_from_db()
    assert assessment_round.results_published_at is not None


def _office_page_queries(client, assessment_round, sorting):
    url = assessment_round.get_absolute_url() + f"?sortierung={sorting}"
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.fixture
def growth(make_idea, make_measure, criteria):
    """What the query-count test grows the round with (one fixture keeps its signature short)."""
    return make_idea, make_measure, criteria


@pytest.mark.parametrize("sorting", ["punkte", "unterstuetzung", "kosten"])
def test_the_office_round_page_makes_a_fixed_number_of_queries(
    client, signed_in, assessment_round, growth, sorting
):
    make_idea, make_measure, criteria = growth
    signed_in("program_office")
    for n in range(3):
        assessment_round.ideas.add(make_idea(f"Idee {n}"))
    assessment_round.measures.add(make_measure(title="M"))  # 5 candidates
    few = _office_page_queries(client, assessment_round, sorting)
    for n in range(10):
        candidate = make_idea(f"Mehr {n}", supports=n)
        assessment_round.ideas.add(candidate)
        submit(expert(), assessment_round, criteria, (3, 4), idea=candidate)
        assessment_round.measures.add(make_measure(title=f"M {n}"))  # 25 candidates
    many = _office_page_queries(client, assessment_round, sorting)
    assert many == few, f"{few} queries with 5 candidates, {many} with 25"


def test_bad_form_input_is_answered_with_400_and_nothing_is_stored(client, assessment_round, criteria, idea):
    impact, cost = criteria
    client.force_login(expert())
    url = reverse("strategy:assess_idea", args=[assessment_round.pk, idea.pk])
    response = client.post(url, {service.score_field(impact): "4", "comment": "halb"})
    assert response.status_code == 400
    # The error sits on the criterion left out, and names it.
    error = response.content.decode().split(f'id="id_{service.score_field(cost)}_error"')[1].split("</p>")[0]
    assert "Kosten" in error
    response = client.post(url, {service.score_field(impact): "9", service.score_field(cost): "2"})
    assert response.status_code == 400
    response = client.post(
        url, {service.score_field(impact): "4", service.score_field(cost): "2", "conflict": "on"}
    )
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_candidates_outside_the_round_are_404(client, assessment_round, make_idea):
    client.force_login(expert())
    other = make_idea("Fremd")
    assert (
        client.get(reverse("strategy:assess_idea", args=[assessment_round.pk, other.pk])).status_code == 404
    )


def test_the_demo_round(db):
    data = seed_all()
    demo_round = AssessmentRound.objects.get()
    assert Criterion.objects.filter(is_active=True).count() == 6
    assert (demo_round.ideas.count(), demo_round.measures.count()) == (10, 5)
    assert demo_round.opens_on <= timezone.localdate() <= demo_round.closes_on
    assert demo_round.results_published_at is None
    assert demo_round.assessments.values("expert").distinct().count() == 8
    assert demo_round.assessments.filter(conflict_of_interest=True).count() == 1
    assert any(result.score is not None for result in service.round_results(demo_round))
    seed_all()  # safe to run again
    assert AssessmentRound.objects.count() == 1
    assert data.measures


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("role", ["expert", "anonymous"])
def test_the_board_and_public_round_pages_make_a_fixed_number_of_queries(
    client, make_person, assessment_round, growth, role
):
    make_idea, make_measure, criteria = growth
    person = make_person(role)
    if person is not None:
        client.force_login(person)
    assessment_round.results_published_at = timezone.now()
    assessment_round.save()
    url = assessment_round.get_absolute_url()
    few = _queries(client, url)
    for n in range(20):
        candidate = make_idea(f"Mehr {n}", supports=n)
        assessment_round.ideas.add(candidate)
        if person is not None and n % 2:
            submit(person, assessment_round, criteria, (3, 4), idea=candidate)
        assessment_round.measures.add(make_measure(title=f"M {n}"))
    assert _queries(client, url) == few


def test_the_rounds_list_makes_a_fixed_number_of_queries(client, signed_in, assessment_round):
    signed_in("expert")
    url = reverse("strategy:assessment_rounds")
    few = _queries(client, url)
    today = timezone.localdate()
    for n in range(20):
        AssessmentRound.objects.create(title=f"Runde {n}", opens_on=today, closes_on=today)
    assert _queries(client, url) == few


def test_the_office_reads_every_assessment_of_a_candidate(
    client, signed_in, assessment_round, criteria, idea
):
    first = expert()
    first.display_name = "Erste Expertin"
    first.save()
    submit(first, assessment_round, criteria, (5, 1), idea=idea)
    signed_in("program_office")
    page = client.get(reverse("strategy:assess_idea", args=[assessment_round.pk, idea.pk])).content.decode()
    assert "Erste Expertin" in page
    assert 'type="radio"' not in page
