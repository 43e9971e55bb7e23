"""Linking ideas to measures decides on the locked idea row (issue 17, findings 2, 4, 5 and 11; issue 11's
"linking twice at once"): the person must be allowed to moderate the idea, counts follow the rows that
changed, and an unpublished measure's title stays private. The races run on PostgreSQL and SQLite."""

import pytest
from django.core.exceptions import ValidationError

from smartregion.accounts.models import Role, User
from smartregion.participation.models import Follow, Idea, IdeaStatus, Notification, Process
from smartregion.program import services as program_services
from smartregion.strategy import services, tasks
from smartregion.strategy.models import IdeaLink, Measure, MeasureEvent

from ..concurrency import race, refusals
from ..factories import MunicipalityFactory, UserFactory
from ..participation.factories import IdeaFactory, ProcessFactory
from .test_manage import _url


def _idea(*, municipality, visibility=Process.Visibility.PUBLIC, title="Mitfahrbank") -> Idea:
    return IdeaFactory(process=ProcessFactory(visibility=visibility), title=title, municipality=municipality)


def _counts(*measures: Measure) -> list[int]:
    return [Measure.objects.get(pk=m.pk).idea_count for m in measures]


def test_a_coordinator_cannot_adopt_another_municipalitys_idea(client, signed_in, program, make_measure):
    coordinator = signed_in(Role.COORDINATOR)  # coordinates ``municipality``, the measure's
    measure = make_measure()
    elsewhere = _idea(municipality=MunicipalityFactory(name="Mendig"), visibility=Process.Visibility.DRAFT)

    response = client.post(_url(measure, "idee-verknuepfen"), {"idea": str(elsewhere.pk)})

    assert response.status_code == 400
    answer = response.content.decode()
    assert "Auf dieser Website gibt es keine Idee mit dieser Nummer oder Adresse." in answer
    assert not IdeaLink.objects.exists()
    assert Idea.objects.get(pk=elsewhere.pk).status == IdeaStatus.PUBLISHED
    assert not Notification.objects.exists()
    with pytest.raises(ValidationError):
        services.idea_link(actor=coordinator, measure=measure, idea=elsewhere)


@pytest.mark.usefixtures("program")
def test_an_unpublished_measure_stays_private_in_the_ideas_reason(
    client, make_measure, municipality, make_person, django_capture_on_commit_callbacks
):
    office = make_person(Role.PROGRAM_OFFICE)
    draft = make_measure(published=False, title="Geheimes Vorhaben")
    idea = _idea(municipality=municipality)

    with django_capture_on_commit_callbacks(execute=True):
        services.idea_link(actor=office, measure=draft, idea=idea)

    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ADOPTED
    assert "Geheimes Vorhaben" not in idea.status_reason
    assert "Geheimes Vorhaben" not in client.get(idea.get_absolute_url()).content.decode()
    assert "Geheimes Vorhaben" not in client.get(f"/api/v1/ideas/{idea.pk}").content.decode()
    assert not Notification.objects.filter(message__contains="Geheimes Vorhaben").exists()


def test_unlinking_twice_counts_once(program, make_measure, municipality, make_person):
    office = make_person(Role.PROGRAM_OFFICE)
    measure = make_measure()
    idea = _idea(municipality=municipality)
    link = services.idea_link(actor=office, measure=measure, idea=idea)
    stale = IdeaLink.objects.get(pk=link.pk)

    services.idea_unlink(actor=office, link=link)
    services.idea_unlink(actor=office, link=stale)  # the second submit of the same form

    assert _counts(measure) == [0]
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.UNDER_ASSESSMENT


# --- Races ---------------------------------------------------------------------------------------------


@pytest.fixture
def office_pk(race_database, make_person) -> int:
    return make_person(Role.PROGRAM_OFFICE).pk


def _link(office_pk: int, measure_pk: int, idea_pk: int):
    def load():
        actor, measure = User.objects.get(pk=office_pk), Measure.objects.get(pk=measure_pk)
        idea = Idea.objects.get(pk=idea_pk)
        return lambda: services.idea_link(actor=actor, measure=measure, idea=idea)

    return load


def _unlink(office_pk: int, link_pk: int):
    def load():
        actor = User.objects.get(pk=office_pk)
        link = IdeaLink.objects.select_related("measure", "idea").get(pk=link_pk)
        return lambda: services.idea_unlink(actor=actor, link=link)

    return load


def test_a_double_submitted_link_is_one_link(office_pk, program, make_measure, municipality):
    measure, idea = make_measure(), _idea(municipality=municipality)

    outcomes = race([_link(office_pk, measure.pk, idea.pk)] * 4)

    assert len(refusals(outcomes)) == 3  # "already linked", never a 500
    assert IdeaLink.objects.count() == 1
    assert _counts(measure) == [1]
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.ADOPTED


def test_a_double_submitted_unlink_counts_once(office_pk, program, make_measure, municipality):
    measure, idea = make_measure(), _idea(municipality=municipality)
    link = services.idea_link(actor=User.objects.get(pk=office_pk), measure=measure, idea=idea)

    race([_unlink(office_pk, link.pk)] * 4)

    assert _counts(measure) == [0]
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.UNDER_ASSESSMENT


def test_two_measures_taking_up_one_idea_at_once_both_link_it(office_pk, program, make_measure, municipality):
    first, second = make_measure(), make_measure(title="Rufbus")
    idea = _idea(municipality=municipality)

    outcomes = race([_link(office_pk, first.pk, idea.pk), _link(office_pk, second.pk, idea.pk)])

    assert refusals(outcomes) == []
    assert _counts(first, second) == [1, 1]
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.ADOPTED


def test_a_link_racing_the_last_unlink_leaves_the_idea_adopted(
    office_pk, program, make_measure, municipality
):
    old, new = make_measure(), make_measure(title="Rufbus")
    idea = _idea(municipality=municipality)
    link = services.idea_link(actor=User.objects.get(pk=office_pk), measure=old, idea=idea)

    outcomes = race([_unlink(office_pk, link.pk), _link(office_pk, new.pk, idea.pk)])

    assert refusals(outcomes) == []
    assert list(IdeaLink.objects.values_list("measure_id", flat=True)) == [new.pk]
    assert _counts(old, new) == [0, 1]
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.ADOPTED


def test_a_rerun_measure_update_notifies_nobody_twice(program, make_measure, municipality, make_person):
    """Issue 17, finding 15: a retried notify task adds no notification anybody has already."""
    office = make_person(Role.PROGRAM_OFFICE)
    measure, idea = make_measure(), _idea(municipality=municipality)
    follower = UserFactory()
    Follow.objects.create(user=follower, idea=idea)
    services.idea_link(actor=office, measure=measure, idea=idea)
    program_services.measure_set_status(actor=office, measure=measure, status="running")
    event = MeasureEvent.objects.get(measure=measure, kind=MeasureEvent.Kind.STATUS)

    for _run in range(2):
        tasks.notify_measure_update.call(
            measure_id=measure.pk, kind="status", detail="running", actor_id=office.pk, event_id=event.pk
        )

    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(
        [follower.pk, idea.author_id]
    )
