"""The measure's history as people read it: what happened, in one German sentence with formatted amounts.

``MeasureEvent.data`` keeps machine-readable before/after values (amounts as decimal strings, dates in ISO
format) so that exports and feeds can use them; this module turns them into text for the page.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from smartregion.strategy.models import MeasureEvent, MeasureStatus, MonitoringState

from .templatetags.program import euro, figure

Kind = MeasureEvent.Kind


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history: a short title and the sentence that says what changed."""

    event: MeasureEvent
    title: str
    text: str


def _day(value: str | None) -> str:
    return date_format(date.fromisoformat(value), "DATE_FORMAT") if value else "–"


def _status(value: str | None) -> str:
    return str(MeasureStatus(value).label) if value in MeasureStatus.values else str(value or "–")


def _money(before: dict[str, Any], after: dict[str, Any]) -> str:
    """The commitment and payment sums of a budget line after a booking, with what they were before."""
    parts = []
    for key, label in (("committed", _("Committed")), ("spent", _("Paid"))):
        if before.get(key) != after.get(key):
            parts.append(
                _("%(label)s now %(after)s (before %(before)s).")
                % {"label": label, "after": euro(after.get(key)), "before": euro(before.get(key))}
            )
    return " ".join(parts)


def _monitoring(value: str | None) -> str:
    return str(MonitoringState(value).label) if value in MonitoringState.values else str(value or "–")


def _booking(before: dict[str, Any], after: dict[str, Any]) -> str:
    """ "Payment of 12.500,50 EUR booked (document R-1) on “Federal funding” 2026." and the new sums.

    Events recorded before the amount was kept say only which sum changed."""
    payment = before.get("spent") != after.get("spent")
    if after.get("amount"):
        values = {
            "amount": euro(after["amount"]),
            "source": after.get("source", ""),
            "year": after.get("year", ""),
        }
        text = (
            _("Payment of %(amount)s booked on “%(source)s” %(year)s.")
            if payment
            else _("Commitment of %(amount)s booked on “%(source)s” %(year)s.")
        ) % values
        if after.get("document"):
            text = text[:-1] + " " + _("(document %(document)s).") % {"document": after["document"]}
    else:
        text = _("Payment booked.") if payment else _("Commitment booked.")
    return f"{text} {_money(before, after)}".strip()


def _milestone(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, str]:
    title = after.get("title", "")
    if not before:
        return _("Milestone added"), _("Milestone “%(title)s” added, due on %(due)s.") % {
            "title": title,
            "due": _day(after.get("due_on")),
        }
    if after.get("done_on"):
        return _("Milestone reached"), _("Milestone “%(title)s” reached on %(day)s.") % {
            "title": title,
            "day": _day(after["done_on"]),
        }
    return _("Milestone reopened"), _("Milestone “%(title)s” is open again.") % {"title": title}


def describe(event: MeasureEvent) -> HistoryEntry:  # noqa: PLR0911, PLR0912 - one case per kind of event
    """The title and sentence for one event of a measure's history."""
    data = event.data or {}
    before, after = data.get("before") or {}, data.get("after") or {}
    title = str(event.get_kind_display())

    def entry(text: str, heading: str = title) -> HistoryEntry:
        return HistoryEntry(event=event, title=heading, text=text)

    match event.kind:
        case Kind.CREATED:
            return entry(_("Measure “%(title)s” created.") % {"title": after.get("title", "")})
        case Kind.CHANGED:
            texts = []
            if before.get("title") != after.get("title"):
                texts.append(
                    _("Title changed from “%(before)s” to “%(after)s”.")
                    % {"before": before.get("title"), "after": after.get("title")}
                )
            if before.get("published") != after.get("published"):
                texts.append(_("Published.") if after.get("published") else _("Withdrawn from publication."))
            return entry(" ".join(texts) or _("Description, domains of life or area changed."))
        case Kind.STATUS:
            return entry(
                _("Status changed from “%(before)s” to “%(after)s”.")
                % {"before": _status(data.get("before")), "after": _status(data.get("after"))}
            )
        case Kind.PROGRESS:
            return entry(
                _("Progress changed from %(before)s %% to %(after)s %%.")
                % {"before": data.get("before"), "after": data.get("after")}
            )
        case Kind.IDEA_LINKED:
            return entry(_("Idea no. %(idea)s taken up.") % {"idea": after.get("idea")})
        case Kind.IDEA_UNLINKED:
            return entry(_("Idea no. %(idea)s no longer taken up.") % {"idea": before.get("idea")})
        case Kind.BUDGET:
            return entry(
                _("Planned from “%(source)s” for %(year)s: %(after)s (before %(before)s).")
                % {
                    "source": after.get("source"),
                    "year": after.get("year"),
                    "after": euro(after.get("planned")),
                    "before": euro(before.get("planned")),
                }
            )
        case Kind.EXPENSE | Kind.OVERRIDE:
            return entry(_booking(before, after))
        case Kind.MILESTONE:
            heading, text = _milestone(before, after)
            return entry(text, heading)
        case Kind.MONITORING:
            if after.get("state"):
                return entry(
                    _("Monitoring state set by hand to “%(state)s”.")
                    % {"state": _monitoring(after.get("state"))}
                )
            return entry(_("The monitoring state is worked out from milestones and spending again."))
        case Kind.INDICATOR:
            return entry(
                _("“%(indicator)s” on %(day)s: %(value)s.")
                % {
                    "indicator": after.get("indicator"),
                    "day": _day(after.get("measured_on")),
                    "value": figure(after.get("value")),
                }
            )
    return entry("")


def history(events: list[MeasureEvent]) -> list[HistoryEntry]:
    """The events of a measure's history, each described."""
    return [describe(event) for event in events]
