"""Querysets compiled once per database connection and run with each call's values.

The ORM builds and compiles a queryset's SQL anew every time it runs. On the hottest request, a support,
that took more CPU than the database took to answer (decision 0012, "Supporting"). A ``Prepared`` query is
built once with stand-ins for the values that change from call to call, compiled once per connection, and
then run with the call's values in the stand-ins' places. Its rows become model instances as the ORM makes
them: ``from_db``, the related objects of ``select_related``, annotations and the ORM's converters. The
statement goes through ``connection.cursor()``, so query logging, counting and error wrapping stay as they
are.

Only what is the same for every call may be part of the queryset: the time, the language or a setting that
tests change must be a value (or be checked in Python after the read), never baked into the SQL.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet

# get_related_populators: how ModelIterable fills select_related() objects (not in the stubs).
from django.db.models.query import ModelIterable, get_related_populators  # type: ignore[attr-defined]

M = TypeVar("M", bound=Model)

# Values no call passes: each stands for a named value in the compiled parameters.
_INT_STAND_IN = -(2**62) - 17
# The widest integer column (bigint) holds these.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


def _stand_in(kind: type, index: int) -> int | str:
    if kind is int:
        return _INT_STAND_IN - index
    if kind is str:
        return f"\x1fprepared-stand-in-{index}\x1f"
    raise TypeError(f"a prepared value is an int or a str, not {kind.__name__}")


class StandIns:
    """One value that no call passes for each named value (``kinds``: name -> int or str), to compile a
    queryset with; ``binder`` then finds where they landed among the compiled parameters."""

    def __init__(self, **kinds: type) -> None:
        self.kinds = kinds
        self.values = {name: _stand_in(kind, index) for index, (name, kind) in enumerate(kinds.items())}

    def binder(self, sql: str, params: Sequence[Any]) -> Callable[..., list[Any]]:
        """A function from the named values to the parameters to run ``sql`` with."""
        by_value = {stand_in: name for name, stand_in in self.values.items()}
        names = tuple(by_value.get(param) if isinstance(param, int | str) else None for param in params)
        for name in self.values:
            if names.count(name) != 1:
                raise ValueError(f"{name} is not exactly one parameter of the compiled SQL: {sql}")
        fixed = tuple(params)

        def bind(**values: Any) -> list[Any]:
            return [param if name is None else values[name] for name, param in zip(names, fixed, strict=True)]

        return bind


@dataclass(frozen=True)
class _Compiled:
    """One queryset's SQL and how its rows become instances, for one connection."""

    sql: str
    bind: Callable[..., list[Any]]
    apply_converters: Callable[[Any, Any], Any]
    converters: dict[int, Any]
    model: Any  # type[M] of the Prepared that compiled it
    db: str
    init_list: tuple[str, ...]
    fields: slice
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


class Prepared(Generic[M]):
    """``build(**stand_ins)`` returns the queryset; calling the Prepared with the real values returns its
    instances. ``kinds`` names each value and its type (int or str); the queryset compares each value for
    equality (``pk=pk``)::

        ideas = Prepared(lambda pk: Idea.objects.select_related("process").filter(pk=pk), pk=int)
        ideas(pk=7)  # [<Idea 7>] or []
    """

    def __init__(self, build: Callable[..., QuerySet[M]], **kinds: type) -> None:
        self._build = build
        self._stand_ins = StandIns(**kinds)
        self._compiled: WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = WeakKeyDictionary()

    def __call__(self, *, using: str = "default", **values: Any) -> list[M]:
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection, using)
        kinds = self._stand_ins.kinds
        if values.keys() != kinds.keys():
            raise TypeError(f"expected the values {sorted(kinds)}, got {sorted(values)}")
        for name, value in values.items():
            if type(value) is not kinds[name]:
                raise TypeError(f"{name} must be a {kinds[name].__name__}, not {type(value).__name__}")
            if type(value) is int and not _INT_MIN <= value <= _INT_MAX:
                # No column holds it, and the drivers refuse it: nothing equals it, as the ORM answers.
                return []
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.bind(**values))
            rows = cursor.fetchall()
        if compiled.converters:
            rows = list(compiled.apply_converters(rows, compiled.converters))
        instances: list[M] = []
        for row in rows:
            instance = compiled.model.from_db(compiled.db, compiled.init_list, row[compiled.fields])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for name, position in compiled.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances

    def forget(self) -> None:
        """Compile again on the next call: what ``build`` returns has changed."""
        self._compiled.clear()

    def _compile(self, connection: BaseDatabaseWrapper, using: str) -> _Compiled:
        queryset = self._build(**self._stand_ins.values).using(using)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise ValueError("a prepared queryset returns model instances and prefetches nothing")
        compiler = queryset.query.get_compiler(using=using, connection=connection)
        sql, params = compiler.as_sql()
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1]
        return _Compiled(
            sql=sql,
            bind=self._stand_ins.binder(sql, params),
            apply_converters=compiler.apply_converters,
            converters=compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
            model=klass_info["model"],
            db=queryset.db,
            init_list=tuple(column[0].target.attname for column in select[first : last + 1]),
            fields=slice(first, last + 1),
            populators=tuple(get_related_populators(klass_info, select, queryset.db)),
            annotations=tuple(compiler.annotation_col_map.items()),
        )


def prefetched(instance: Model, name: str, objects: list[M]) -> None:
    """Leave ``objects`` (read by a prepared query) as ``instance.<name>.all()`` of a reverse foreign key, as
    ``prefetch_related(name)`` leaves them: reading them makes no query, and each knows ``instance``."""
    relation = getattr(type(instance), name).field  # the foreign key on the objects' side
    for obj in objects:
        relation.set_cached_value(obj, instance)
    related = getattr(instance, name).all()
    # As Django's prefetch_one_level() fills a related manager's cache.
    related._result_cache = objects
    related._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = related
