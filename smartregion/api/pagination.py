"""Keyset (cursor) pagination: a page starts after the last row of the previous one, whatever was added
since, and costs the same at row 10 and at row 10,000 (no OFFSET).

A cursor is the sort's name and the last row's values of the sort fields, as URL-safe base64 JSON. It is
not a secret: a tampered cursor only moves the starting point, and one that does not parse is a 422.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .problems import ApiProblem

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _invalid() -> ApiProblem:
    return ApiProblem(
        422,
        _("Please check your input."),
        errors=[("cursor", _("This cursor is not valid. Please use the 'next' link of a previous page."))],
    )


def encode(sort: str, values: list[Any]) -> str:
    raw = json.dumps({"s": sort, "v": [_plain(value) for value in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, sort: str, order: tuple[str, ...], kinds: dict[str, type]) -> list[Any]:
    """The sort field values a cursor carries, checked against the fields' types."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise _invalid() from error
    if not isinstance(data, dict) or data.get("s") != sort or not isinstance(data.get("v"), list):
        raise _invalid()
    values = data["v"]
    if len(values) != len(order):
        raise _invalid()
    parsed: list[Any] = []
    for field, value in zip(order, values, strict=True):
        kind = kinds[field.lstrip("-")]
        if kind is datetime:
            moment = parse_datetime(value) if isinstance(value, str) else None
            if moment is None:
                raise _invalid()
            parsed.append(moment)
        elif kind is int:
            if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 2**62:
                raise _invalid()
            parsed.append(value)
        else:
            raise _invalid()
    return parsed


def _after(order: tuple[str, ...], values: list[Any]) -> Q:
    """Rows after ``values`` in ``order``: (a > x) or (a = x and b > y) or ..., per field's direction."""
    condition = Q()
    for position, field in enumerate(order):
        name = field.lstrip("-")
        step = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": values[position]})
        for earlier_field, earlier_value in zip(order[:position], values[:position], strict=True):
            step &= Q(**{earlier_field.lstrip("-"): earlier_value})
        condition |= step
    return condition


def keyset_page(
    queryset: QuerySet[Any],
    *,
    sort: str,
    order: tuple[str, ...],
    kinds: dict[str, type],
    cursor: str | None,
    limit: int,
) -> Page:
    """One page of ``queryset`` in ``order`` (which must end in a unique field), after ``cursor``."""
    if cursor:
        queryset = queryset.filter(_after(order, decode(cursor, sort, order, kinds)))
    rows = list(queryset.order_by(*order)[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode(sort, [getattr(last, field.lstrip("-")) for field in order])
    return Page(items, next_cursor)
