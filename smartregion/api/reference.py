"""The API's reference page, read off its OpenAPI schema: every operation with its parameters, body and
answers, and the problem types that ``problems.TYPE_BASE`` points to. An accessible page in the site's
layout; Swagger UI (``/api/v1/docs/interaktiv``) stays for trying requests out."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from .main import api
from .problems import problem_types


@dataclass(frozen=True)
class Field:
    name: str
    where: str
    kind: str
    required: bool
    description: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    needs_auth: bool
    fields: list[Field]
    answers: list[str]


@dataclass(frozen=True)
class Section:
    title: str
    operations: list[Operation]


def _kind(schema: dict[str, Any], components: dict[str, Any]) -> str:
    """A field's type in words: the values of a choice, ``list[…]``, or the JSON type."""
    if "$ref" in schema:
        name = str(schema["$ref"].rsplit("/", 1)[-1])
        target = components.get(name, {})
        return _kind(target, components) if "enum" in target else name
    if "anyOf" in schema:
        kinds = [_kind(option, components) for option in schema["anyOf"] if option.get("type") != "null"]
        return " | ".join(dict.fromkeys(kinds))
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    kind = str(schema.get("type", "object"))
    if kind == "array":
        return f"list[{_kind(schema.get('items', {}), components)}]"
    return kind


def _body_fields(operation: dict[str, Any], components: dict[str, Any]) -> list[Field]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return []
    model = components[content["schema"]["$ref"].rsplit("/", 1)[-1]]
    required = set(model.get("required", ()))
    return [
        Field(name, "body", _kind(schema, components), name in required, str(schema.get("description", "")))
        for name, schema in model["properties"].items()
    ]


@cache
def sections() -> list[Section]:
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    by_tag: dict[str, list[Operation]] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            fields = [
                Field(
                    parameter["name"],
                    parameter["in"],
                    _kind(parameter["schema"], components),
                    bool(parameter.get("required")),
                    str(parameter.get("description", "")),
                )
                for parameter in operation.get("parameters", ())
            ]
            fields += _body_fields(operation, components)
            answers = [str(status) for status in operation["responses"]]
            by_tag.setdefault(operation["tags"][0], []).append(
                Operation(
                    anchor=str(operation["operationId"]),
                    method=method.upper(),
                    path=path,
                    summary=str(operation.get("summary", "")),
                    needs_auth=bool(operation.get("security")),
                    fields=fields,
                    answers=answers,
                )
            )
    return [Section(title, operations) for title, operations in by_tag.items()]


def answers() -> dict[str, str]:
    """What each status means, in words, for the reference's answer lists."""
    return {
        "200": _("OK"),
        "201": _("Created"),
        "304": _("Not modified: your copy is current"),
        **{str(status): title for status, (_slug, title) in problem_types().items()},
    }


def problems() -> list[tuple[str, str, str]]:
    """(anchor, title, when it is answered), in the order of their status codes."""
    when = {
        400: _("The request body could not be read, for example broken JSON."),
        401: _("A write without a valid token or session."),
        403: _(
            "The rules do not allow it now, for example outside the idea collection; the detail says why."
        ),
        404: _("There is no such object, or it is not public."),
        405: _("The address exists, but not for this method."),
        409: _("The object's state does not allow it, for example supporting a closed idea."),
        412: _("A condition of the request does not hold."),
        413: _("The request body is larger than the site accepts (2.5 MB without files)."),
        422: _("Input that does not fit; errors names each field with its message."),
        429: _(
            "Too many writes in a short time; the same limits apply as on the pages. Retry-After says "
            "how many seconds to wait."
        ),
        500: _("An error on our side; it is logged and looked into."),
        503: _(
            "The database cannot be reached for a moment, for example during maintenance; "
            "Retry-After says after how many seconds to try again."
        ),
    }
    return [(slug, title, when[status]) for status, (slug, title) in sorted(problem_types().items())]
