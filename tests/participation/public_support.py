"""Helpers for the public pages' tests: German messages as the page shows them, and query counting."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext


def german(msgid: str, **values: Any) -> str:
    """A message as the German page shows it, HTML-escaped (the translator fills the catalogue later)."""
    with translation.override("de"):
        text = gettext(msgid)
    return str(escape(text % values if values else text))


def text_of(response: Any) -> str:
    return response.content.decode()


def count_queries(client: Any, url: str, *, status: int = 200, **extra: Any) -> int:
    """How many SQL queries one GET makes."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code == status, text_of(response)[:2000]
    return len(context)
