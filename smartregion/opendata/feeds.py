"""Atom feeds (new ideas, per process and overall; news from the measures) and iCal calendars of the
participation processes' phases.

The feeds say what the public pages say and nothing more: no author of an idea (the idea page names one;
a feed reader does not need it), never the staff member behind a change of a measure, never an internal
note. A measure's news are its status changes with their public reason, its progress with its public
reason, and its milestones reached.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from smartregion.participation import selectors as participation
from smartregion.participation.models import Idea, Phase, Process
from smartregion.strategy.models import MeasureEvent, MeasureStatus

from .datasets import public_ideas, public_measures

if TYPE_CHECKING:
    import icalendar

FEED_LENGTH = 50


# --- New ideas -----------------------------------------------------------------------------------------


def newest_ideas(ideas: QuerySet[Idea]) -> list[Idea]:
    """The newest FEED_LENGTH of these ideas with what a feed entry shows (two queries)."""
    return list(
        ideas.select_related("process", "municipality")
        .prefetch_related("domains")
        .defer("body", "search_text", "author")
        .order_by("-published_at", "-pk")[:FEED_LENGTH]
    )


class IdeaFeed(Feed):
    """The newest published ideas of all public processes."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("New ideas")

    def subtitle(self) -> str:
        return _("The newest published ideas of all participation processes.")

    def link(self) -> str:
        return reverse("participation:idea_list")

    def feed_url(self) -> str:
        return reverse("opendata:idea_feed")

    def items(self) -> list[Idea]:
        return newest_ideas(public_ideas())

    def item_title(self, item: Idea) -> str:
        return item.title

    def item_description(self, item: Idea) -> str:
        # body_html is the idea's Markdown rendered and sanitised by core.markdown, as its page shows it.
        return item.body_html

    def item_link(self, item: Idea) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Idea) -> str:
        # The entry's id stays the same whatever host name the feed was fetched under.
        return settings.SITE_URL + item.get_absolute_url()

    item_guid_is_permalink = True

    def item_pubdate(self, item: Idea) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Idea) -> datetime:
        return item.updated_at

    def item_categories(self, item: Idea) -> list[str]:
        return [domain.name for domain in item.domains.all()]


class ProcessIdeaFeed(IdeaFeed):
    """The newest published ideas of one public process."""

    def get_object(self, request: HttpRequest, slug: str) -> Process:
        try:
            return participation.process_get(viewer=AnonymousUser(), slug=slug)
        except Process.DoesNotExist:
            raise Http404 from None

    def title(self, obj: Process) -> str:  # type: ignore[override]
        return _("New ideas: %(process)s") % {"process": obj.title}

    def subtitle(self, obj: Process) -> str:  # type: ignore[override]
        return obj.summary

    def link(self, obj: Process) -> str:  # type: ignore[override]
        return obj.get_absolute_url()

    def feed_url(self, obj: Process) -> str:  # type: ignore[override]
        return reverse("opendata:process_idea_feed", kwargs={"slug": obj.slug})

    def items(self, obj: Process) -> list[Idea]:  # type: ignore[override]
        # One feed instance serves every request: the process is passed along, never stored on self.
        return newest_ideas(public_ideas().filter(process=obj))


# --- News from the measures ----------------------------------------------------------------------------


def public_measure_events() -> QuerySet[MeasureEvent]:
    """The news of the published measures that their pages show to everyone: status changes, progress,
    milestones reached. Never the actor; the reason only where the office gave it as a public one."""
    reached = Q(
        kind=MeasureEvent.Kind.MILESTONE, data__after__has_key="done_on", data__before__done_on=None
    ) & ~Q(data__after__done_on=None)
    return (
        MeasureEvent.objects.filter(measure__in=public_measures().values("pk"))
        .filter(Q(kind__in=(MeasureEvent.Kind.STATUS, MeasureEvent.Kind.PROGRESS)) | reached)
        .select_related("measure")
        .defer("actor")
        .order_by("-created_at", "-pk")
    )


def _status_label(value: Any) -> str:
    return str(MeasureStatus(value).label) if value in MeasureStatus.values else "–"


class MeasureUpdateFeed(Feed):
    """News from the published measures of the strategy."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("News from the measures")

    def subtitle(self) -> str:
        return _("Status changes, progress and milestones reached of the published measures.")

    def link(self) -> str:
        return reverse("strategy:explorer")

    def feed_url(self) -> str:
        return reverse("opendata:measure_feed")

    def items(self) -> list[MeasureEvent]:
        return list(public_measure_events()[:FEED_LENGTH])

    def item_title(self, item: MeasureEvent) -> str:
        data = item.data or {}
        if item.kind == MeasureEvent.Kind.STATUS:
            return _("%(measure)s: status “%(status)s”") % {
                "measure": item.measure.title,
                "status": _status_label(data.get("after")),
            }
        if item.kind == MeasureEvent.Kind.PROGRESS:
            return _("%(measure)s: progress %(progress)s %%") % {
                "measure": item.measure.title,
                "progress": data.get("after"),
            }
        return _("%(measure)s: milestone “%(milestone)s” reached") % {
            "measure": item.measure.title,
            "milestone": (data.get("after") or {}).get("title", ""),
        }

    def item_description(self, item: MeasureEvent) -> str:
        data = item.data or {}
        if item.kind == MeasureEvent.Kind.STATUS:
            text = _("Status changed from “%(before)s” to “%(after)s”.") % {
                "before": _status_label(data.get("before")),
                "after": _status_label(data.get("after")),
            }
        elif item.kind == MeasureEvent.Kind.PROGRESS:
            text = _("Progress changed from %(before)s %% to %(after)s %%.") % {
                "before": data.get("before"),
                "after": data.get("after"),
            }
        else:
            text = _("Milestone reached on %(date)s.") % {
                "date": (data.get("after") or {}).get("done_on", "")
            }
        if item.reason:
            text += " " + _("Reason: %(reason)s") % {"reason": item.reason}
        return text

    def item_link(self, item: MeasureEvent) -> str:
        return item.measure.get_absolute_url()

    def item_guid(self, item: MeasureEvent) -> str:
        return f"{settings.SITE_URL}{item.measure.get_absolute_url()}#news-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: MeasureEvent) -> datetime:
        return item.created_at


# --- Calendars of the phases ---------------------------------------------------------------------------


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "smartregion"


def _phase_event(phase: Phase, process: Process, stamp: datetime) -> "icalendar.Event":
    import icalendar  # where a calendar is made: it costs a web worker 8 MiB (issue 15)

    event = icalendar.Event()
    # Stable across downloads and renames: calendar programs update the entry instead of adding one.
    event.add("uid", f"phase-{phase.pk}@{_uid_host()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", phase.starts_at)
    event.add("dtend", phase.ends_at)
    event.add("summary", f"{process.title}: {phase}")
    description = Truncator(phase.description).chars(1000) if phase.description else process.summary
    event.add("description", description)
    event.add("url", settings.SITE_URL + process.get_absolute_url())
    return event


def _calendar(name: str, processes: list[Process]) -> HttpResponse:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//SmartRegion//Beteiligung//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().replace(microsecond=0)
    for process in processes:
        for phase in process.phases.all():
            calendar.add_component(_phase_event(phase, process, stamp))
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")


def phases_calendar(request: HttpRequest) -> HttpResponse:
    """The phases of every public participation process as one iCal file."""
    processes = list(
        participation.process_list(viewer=AnonymousUser()).prefetch_related(None).prefetch_related("phases")
    )
    return _calendar(_("Participation: all phases"), processes)


def process_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The phases of one public participation process as an iCal file."""
    try:
        process = participation.process_get(viewer=AnonymousUser(), slug=slug)
    except Process.DoesNotExist:
        raise Http404 from None
    return _calendar(process.title, [process])
