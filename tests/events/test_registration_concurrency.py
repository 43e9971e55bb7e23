"""Capacity holds when many people register for the last places at once.

Sixteen threads, each with its own database connection and its own person, are released together by a
barrier and register for an event with three places left. Afterwards exactly the capacity is confirmed,
everybody else waits, the queue positions run without gap or duplicate, the confirmed people hold the
lowest positions, and the event's denormalised counts equal the rows. Then places are given up at once, and
the first waiting people move up in their order. The ``postgres`` variant needs PostgreSQL (row locks,
``SELECT … FOR UPDATE``); the ``sqlite`` variant shows that writers queue (``BEGIN IMMEDIATE``).
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from smartregion.accounts.models import User
from smartregion.events import services
from smartregion.events.models import Event, Registration

from ..factories import MunicipalityFactory, RegionFactory, UserFactory
from .factories import EventFactory

THREADS = 16
CAPACITY = 10
TAKEN = 7
BARRIER_TIMEOUT = 60


def _race(calls: list[Callable[[], object]]) -> None:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=BARRIER_TIMEOUT)
            call()
        except BaseException as error:
            barrier.abort()
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    real = [error for error in errors if not isinstance(error, threading.BrokenBarrierError)] or errors
    assert not real, f"{len(errors)} thread(s) failed, first: {real[0]!r}"


def _register(event_pk: int, person_pk: int) -> Callable[[], object]:
    def call() -> object:
        # Every thread reads its own rows, as a request would.
        event = Event.objects.get(pk=event_pk)
        return services.registration_create(event=event, user=User.objects.get(pk=person_pk))

    return call


def _cancel(registration_pk: int) -> Callable[[], object]:
    def call() -> object:
        registration = Registration.objects.select_related("user").get(pk=registration_pk)
        return services.registration_cancel(actor=registration.user, registration=registration)

    return call


def _check_queue(event_pk: int) -> list[Registration]:
    event = Event.objects.get(pk=event_pk)
    rows = list(Registration.objects.filter(event=event).order_by("position"))
    active = [row for row in rows if row.status != Registration.Status.CANCELLED]
    confirmed = [row for row in active if row.status == Registration.Status.CONFIRMED]
    waiting = [row for row in active if row.status == Registration.Status.WAITING]
    assert [row.position for row in rows] == list(range(1, len(rows) + 1))
    assert len(confirmed) == CAPACITY
    assert event.registered_count == CAPACITY
    assert event.waiting_count == len(waiting)
    # Nobody waits ahead of a confirmed place: confirmed people hold the lowest positions of the active rows.
    assert max(row.position for row in confirmed) < min((row.position for row in waiting), default=10**9)
    return waiting


@pytest.mark.django_db(transaction=True)
def test_many_registrations_for_the_last_places(race_database):
    municipality = MunicipalityFactory(region=RegionFactory())
    event = EventFactory(municipality=municipality, capacity=CAPACITY)
    for _ in range(TAKEN):
        services.registration_create(event=event, user=UserFactory())
    people = [UserFactory().pk for _ in range(THREADS)]

    _race([_register(event.pk, person) for person in people])

    waiting = _check_queue(event.pk)
    assert len(waiting) == THREADS - (CAPACITY - TAKEN)
    assert Registration.objects.filter(event=event).count() == TAKEN + THREADS

    # Four confirmed people give up their places at once: the first four waiting move up, in order.
    leaving = list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).order_by("position")[
            :4
        ]
    )
    first_waiting = [row.pk for row in waiting[:4]]
    _race([_cancel(row.pk) for row in leaving])

    remaining = _check_queue(event.pk)
    promoted = Registration.objects.filter(pk__in=first_waiting)
    assert set(promoted.values_list("status", flat=True)) == {Registration.Status.CONFIRMED}
    assert [row.pk for row in remaining] == [row.pk for row in waiting[4:]]
