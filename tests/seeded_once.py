"""Data seeded once for all the tests of a module or class that only read it.

Seeding the MYK demo takes seconds; a dozen tests that each check one of its facts need not seed it a dozen
times. ``seeded_once`` seeds inside a transaction that stays open for the scope and is rolled back at its end;
each test's own ``db`` transaction is a savepoint inside it, so what a test writes is undone after the test
and the seed after the scope. Tests that need an empty database must not share the scope.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import transaction

T = TypeVar("T")


@contextmanager
def seeded_once(django_db_blocker: Any, seed: Callable[[], T]) -> Iterator[T]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)
