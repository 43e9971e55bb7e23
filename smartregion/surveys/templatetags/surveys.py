"""Quick polls placed on a process page or the start page: the question and its choices, sent to the
poll's own page, which counts the vote and shows the results (after voting or after closing)."""

from typing import Any

from django import template

from .. import selectors
from ..forms import ResponseForm
from ..models import Survey

register = template.Library()


def _boxes(polls: list[Survey]) -> list[dict[str, Any]]:
    """Each poll with its answer form; the polls' questions come in one query for all of them."""
    questions = selectors.poll_questions(polls)
    boxes = []
    for poll in polls:
        own = questions.get(poll.pk)
        if own is None:
            continue
        form = ResponseForm(sections=[own.section], questions=[own])
        boxes.append({"poll": poll, "field": form[own.field_name], "honeypot": form["website"]})
    return boxes


@register.inclusion_tag("surveys/_poll_box.html")
def process_polls(process: Any) -> dict[str, Any]:
    return {"boxes": _boxes(list(selectors.polls_for(process=process)))}


@register.inclusion_tag("surveys/_poll_box.html")
def start_page_polls() -> dict[str, Any]:
    return {"boxes": _boxes(list(selectors.polls_for(start_page=True)[:2]))}
