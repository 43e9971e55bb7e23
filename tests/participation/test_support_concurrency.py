"""Supports stay exact when many requests for the same person and idea arrive at once.

Sixteen threads, each with its own database connection, call the support services for the same idea and
the same people; a barrier releases them together before every call. At each step the threads form four
lanes of four: the four threads of a lane race for the same person (the unique constraint decides), the
four lanes race for different people (the counter's increments collide). Afterwards there is one support
row per person, ``Idea.support_count`` equals the rows, and each person got exactly one "done" answer.
The ``postgres`` variant needs PostgreSQL; the ``sqlite`` variant runs on the default test database and
there shows that writers queue (BEGIN IMMEDIATE, 20 s busy timeout, see config/settings/base.py)
instead of failing with "database is locked".
"""

import datetime
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from smartregion.accounts.models import User
from smartregion.participation import selectors, services
from smartregion.participation.models import Idea, Phase, Process, Support
from smartregion.strategy.models import Domain

from ..factories import UserFactory

THREADS = 16
LANES = 4
PEOPLE = 10
ROUNDS = 3
# Generous: on SQLite the 16 threads queue behind one writer at every step.
BARRIER_TIMEOUT = 60

Operation = Callable[..., bool]


@dataclass(frozen=True)
class Campaign:
    idea_pk: int
    person_pks: list[int]


@pytest.fixture
def campaign(race_database: str) -> Campaign:
    """A public process in its idea collection, one published idea, and the people who will support it."""
    now = timezone.now()
    process = Process.objects.create(
        title="Mobilität 2030", slug="mobilitaet-2030", summary="Ideen", visibility=Process.Visibility.PUBLIC
    )
    Phase.objects.create(
        process=process,
        kind=Phase.Kind.IDEA_COLLECTION,
        starts_at=now - datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=30),
    )
    domain = Domain.objects.create(name="Mobilität", slug="mobilitaet")
    idea = services.idea_create(
        author=UserFactory(),
        process=Process.objects.prefetch_related("phases").get(pk=process.pk),
        title="Radweg am Rhein",
        body="Ein durchgehender Radweg von Andernach nach Koblenz.",
        domains=[domain],
    )
    return Campaign(idea_pk=idea.pk, person_pks=[UserFactory().pk for _ in range(PEOPLE)])


def _race(*, operation: Operation, campaign: Campaign) -> Counter[int]:
    """Let THREADS threads call ``operation`` for every person ROUNDS times, in lanes; count the Trues."""
    barrier = threading.Barrier(THREADS)
    lock = threading.Lock()
    done: Counter[int] = Counter()
    errors: list[BaseException] = []

    def run(lane: int) -> None:
        try:
            # Every thread reads its own rows, as a request would: no model instance crosses threads.
            idea = selectors.idea_get(pk=campaign.idea_pk)
            people = list(User.objects.filter(pk__in=campaign.person_pks).order_by("pk"))
            for _round in range(ROUNDS):
                for step in range(PEOPLE):
                    person = people[(step + lane) % PEOPLE]
                    barrier.wait(timeout=BARRIER_TIMEOUT)
                    if operation(user=person, idea=idea):
                        with lock:
                            done[person.pk] += 1
        except BaseException as error:
            barrier.abort()  # release the others instead of leaving them to the timeout
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index % LANES,), name=f"race-{index}") for index in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The other threads only echo the first real error with a BrokenBarrierError; report the real one.
    real = [error for error in errors if not isinstance(error, threading.BrokenBarrierError)] or errors
    assert not real, f"{len(errors)} thread(s) failed, first: {real[0]!r}"
    return done


def _rows_per_person(idea_pk: int) -> dict[int, int]:
    return dict(Support.objects.filter(idea_id=idea_pk).values_list("user_id").annotate(n=Count("pk")))


@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_count_each_person_once(campaign: Campaign) -> None:
    done = _race(operation=services.support_add, campaign=campaign)

    assert _rows_per_person(campaign.idea_pk) == dict.fromkeys(campaign.person_pks, 1)
    assert Idea.objects.get(pk=campaign.idea_pk).support_count == PEOPLE
    # Of the THREADS * ROUNDS calls per person, exactly one was acknowledged as new.
    assert done == Counter(dict.fromkeys(campaign.person_pks, 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_end_at_zero(campaign: Campaign) -> None:
    idea = selectors.idea_get(pk=campaign.idea_pk)
    for person in User.objects.filter(pk__in=campaign.person_pks):
        assert services.support_add(user=person, idea=idea)
    assert Idea.objects.get(pk=campaign.idea_pk).support_count == PEOPLE

    # A decrement below zero would violate the column's CHECK (>= 0) and fail its thread, so an error-free
    # race means the count never went negative on the way.
    done = _race(operation=services.support_withdraw, campaign=campaign)

    assert _rows_per_person(campaign.idea_pk) == {}
    assert Idea.objects.get(pk=campaign.idea_pk).support_count == 0
    assert done == Counter(dict.fromkeys(campaign.person_pks, 1))
