"""Reads for participation, shaped so that every page makes a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F, IntegerField, Max, Min, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from smartregion.accounts.predicates import is_coordinator, is_moderator, is_program_office
from smartregion.core.prepared import Prepared, prefetched
from smartregion.insights import search
from smartregion.network.models import Municipality

from .models import (
    PUBLIC_IDEA_STATUSES,
    Comment,
    Follow,
    Idea,
    IdeaEvent,
    Notification,
    Phase,
    Process,
    Report,
    Support,
)

# Points are accepted this far (degrees, about 11 km) around the outermost municipality centres.
REGION_MARGIN = Decimal("0.1")
RANDOM_MODULUS = 1_000_003


def _is_staff(viewer: Any) -> bool:
    return bool(is_program_office(viewer) or is_moderator(viewer) or is_coordinator(viewer))


def process_list(*, viewer: Any) -> QuerySet[Process]:
    """Processes the viewer may see (staff also see drafts), with their phases."""
    qs = Process.objects.prefetch_related("phases", "domains", "municipalities").order_by("-created_at")
    return qs if _is_staff(viewer) else qs.filter(visibility=Process.Visibility.PUBLIC)


def process_get(*, viewer: Any, slug: str) -> Process:
    """One process the viewer may see; raises Process.DoesNotExist otherwise."""
    return process_list(viewer=viewer).get(slug=slug)


@dataclass(frozen=True)
class PhaseTimeline:
    """Where a process stands: the running phase, the next one, and before/active/over."""

    phases: list[Phase]
    current: Phase | None
    upcoming: Phase | None
    state: str  # "before", "active", "between" or "over"


def phase_timeline(process: Process, now: Any = None) -> PhaseTimeline:
    """The process's phases and its state at ``now``, from the prefetched phases."""
    now = now or timezone.now()
    phases = sorted(process.phases.all(), key=lambda phase: phase.starts_at)
    current = next((phase for phase in phases if phase.is_active(now)), None)
    upcoming = next((phase for phase in phases if phase.starts_at > now), None)
    if current:
        state = "active"
    elif not phases or all(phase.ends_at <= now for phase in phases):
        state = "over"
    elif all(phase.starts_at > now for phase in phases):
        state = "before"
    else:
        state = "between"
    return PhaseTimeline(phases=phases, current=current, upcoming=upcoming, state=state)


@dataclass(frozen=True)
class IdeaFilters:
    """What the idea list is narrowed to and how it is sorted."""

    process: Process | None = None
    domain: str = ""
    municipality: str = ""
    status: str = ""
    channel: str = ""
    q: str = ""
    sort: str = "newest"
    seed: int = 1


SORTS = {
    "newest": ("-published_at", "-id"),
    "supported": ("-support_count", "-published_at", "-id"),
    "discussed": ("-comment_count", "-published_at", "-id"),
    "random": ("random_key", "id"),
    # Only with a search: the place in the index's ranking (insights.search.rank_position).
    "relevance": ("search_position", "id"),
}


def idea_list(*, viewer: Any, filters: IdeaFilters) -> QuerySet[Idea]:
    """Public ideas of public processes, filtered and sorted; rows carry what list pages show."""
    qs = _idea_rows(filters)
    sort = filters.sort
    if filters.q:
        # The search index (insights) ranks the public ideas matching every word; the list keeps the best
        # MATCH_CAP of them that pass the other filters (decision 0003).
        ids = _idea_search(filters)
        qs = qs.filter(pk__in=ids).annotate(search_position=search.rank_position(ids))
    elif sort == "relevance":
        sort = "newest"
    if sort == "random":
        # A stable shuffle per visitor: the same seed gives the same order across pages. The multiplier is
        # at least half the (prime) modulus, so neighbouring ids always land far apart: a small one would
        # leave the first ids in their own order (id * 3 stays below the modulus), i.e. not shuffled.
        half = RANDOM_MODULUS // 2
        qs = qs.annotate(random_key=(F("id") * (half + filters.seed % half)) % RANDOM_MODULUS)
    return qs.order_by(*SORTS.get(sort, SORTS["newest"]))


def idea_list_pages(*, viewer: Any, filters: IdeaFilters) -> QuerySet[Idea] | search.RankedRows:
    """What the idea list pages through: ``idea_list``, except that a search in the order of relevance
    reads only the page's rows, cut from the ranking (``insights.search.RankedRows``)."""
    if not filters.q or filters.sort != "relevance":
        return idea_list(viewer=viewer, filters=filters)
    rows = _idea_rows(filters)
    return search.RankedRows(rows, _idea_search(filters, among=rows))


def _idea_search(filters: IdeaFilters, among: QuerySet[Idea] | None = None) -> list[int]:
    process_id = filters.process.pk if filters.process is not None else None
    return search.ranked_ids(filters.q, kind="idea", process_id=process_id, among=among)


def _idea_rows(filters: IdeaFilters) -> QuerySet[Idea]:
    """Public ideas of public processes under the filters other than the search, unordered."""
    qs = (
        Idea.objects.filter(status__in=PUBLIC_IDEA_STATUSES, process__visibility=Process.Visibility.PUBLIC)
        .select_related("process", "municipality", "author", "assisted")
        .prefetch_related("domains")
    )
    if filters.process is not None:
        qs = qs.filter(process=filters.process)
    if filters.domain:
        qs = qs.filter(domains__slug=filters.domain)
    if filters.municipality:
        qs = qs.filter(municipality__slug=filters.municipality)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


def idea_get(*, pk: int) -> Idea:
    """One idea with everything its page and its permission checks read; raises Idea.DoesNotExist."""
    return (
        Idea.objects.select_related(
            "process", "municipality", "author", "merged_into", "assisted", "source_event"
        )
        .prefetch_related(
            "domains",
            "process__phases",
            # The public history: status changes and the moderation's edits, each with its public reason.
            Prefetch(
                "events",
                queryset=IdeaEvent.objects.filter(
                    kind__in=[IdeaEvent.Kind.STATUS_CHANGED, IdeaEvent.Kind.MODERATED]
                ),
            ),
        )
        .get(pk=pk)
    )


def idea_earlier_versions(*, idea: Idea) -> list[IdeaEvent]:
    """The moderation's edits of an idea with the version before each, newest first: for staff only."""
    return list(
        IdeaEvent.objects.filter(idea=idea, kind=IdeaEvent.Kind.MODERATED)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


_idea_with_process = Prepared(lambda pk: Idea.objects.select_related("process").filter(pk=pk), pk=int)
_process_phases = Prepared(lambda process: Phase.objects.filter(process_id=process), process=int)


def idea_get_for_action(*, pk: int) -> Idea:
    """One idea with what permission checks and services read (its process and phases), for POSTs that
    change it and answer with a redirect or a fragment rather than the whole page.

    Both reads are prepared (core/prepared.py): supporting is the campaign's hottest request, and the ORM's
    compiling and prefetching took most of the time of these two reads (decision 0012, "Supporting")."""
    ideas = _idea_with_process(pk=pk)
    if not ideas:
        raise Idea.DoesNotExist(f"No idea {pk}.")
    idea = ideas[0]
    prefetched(idea.process, "phases", _process_phases(process=idea.process_id))
    return idea


def idea_comment_thread(*, idea: Idea) -> list[Comment]:
    """Top-level comments with their replies and authors, in two queries."""
    replies = Comment.objects.select_related("author").order_by("created_at", "id")
    return list(
        Comment.objects.filter(idea=idea, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("-is_highlighted", "created_at", "id")
    )


def idea_comments_by(*, idea: Idea, author: Any) -> list[Comment]:
    """A person's own comments on an idea (top-level and replies), in one query."""
    return list(Comment.objects.filter(idea=idea, author=author).select_related("author"))


@dataclass(frozen=True)
class ReaderMarks:
    """What a signed-in person has done on an idea: supported it, follows it, and her comments' ids."""

    supported: bool = False
    following: bool = False
    comment_ids: frozenset[int] = frozenset()


def idea_reader_marks(*, user: Any, idea: Idea) -> ReaderMarks:
    """Her support, her follow and her comments on an idea, in one query (none for anonymous visitors):
    the only parts of a shared idea page that are hers.

    Plain SQL: the same UNION ALL built from three querysets cost about 1.3 ms of compiling on every
    signed-in idea page, the query itself 0.2 ms."""
    if not getattr(user, "is_authenticated", False):
        return ReaderMarks()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 's', id FROM {Support._meta.db_table} WHERE user_id = %s AND idea_id = %s "  # noqa: S608 (table names)
            f"UNION ALL SELECT 'f', id FROM {Follow._meta.db_table} "
            "WHERE user_id = %s AND idea_id = %s AND process_id IS NULL "
            f"UNION ALL SELECT 'c', id FROM {Comment._meta.db_table} WHERE idea_id = %s AND author_id = %s",
            [user.pk, idea.pk, user.pk, idea.pk, idea.pk, user.pk],
        )
        rows = cursor.fetchall()
    return ReaderMarks(
        supported=any(kind == "s" for kind, _pk in rows),
        following=any(kind == "f" for kind, _pk in rows),
        comment_ids=frozenset(pk for kind, pk in rows if kind == "c"),
    )


def is_following_process(*, user: Any, process: Process) -> bool:
    """Whether the person follows the process (an idea's follow is one of its ``idea_reader_marks``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, idea=None, process=process).exists()


def idea_geojson(ideas: QuerySet[Idea]) -> dict[str, Any]:
    """Ideas with a location as a GeoJSON FeatureCollection (RFC 7946: WGS84, longitude first)."""
    located = ideas.filter(latitude__isnull=False).only(
        "id", "title", "latitude", "longitude", "support_count", "status"
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": idea.pk,
                "geometry": {"type": "Point", "coordinates": [float(idea.longitude), float(idea.latitude)]},
                "properties": {
                    "name": idea.title,
                    "status": idea.status,
                    "supports": idea.support_count,
                    "url": idea.get_absolute_url(),
                },
            }
            for idea in located
            if idea.latitude is not None and idea.longitude is not None
        ],
    }


@dataclass(frozen=True)
class Bounds:
    """A latitude/longitude box."""

    min_lat: Decimal
    max_lat: Decimal
    min_lon: Decimal
    max_lon: Decimal

    def contains(self, lat: Decimal, lon: Decimal) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def region_bounds() -> Bounds | None:
    """The box around the member municipalities (plus a margin); None without municipalities."""
    box = Municipality.objects.aggregate(
        min_lat=Min("latitude"), max_lat=Max("latitude"), min_lon=Min("longitude"), max_lon=Max("longitude")
    )
    if box["min_lat"] is None:
        return None
    return Bounds(
        min_lat=box["min_lat"] - REGION_MARGIN,
        max_lat=box["max_lat"] + REGION_MARGIN,
        min_lon=box["min_lon"] - REGION_MARGIN,
        max_lon=box["max_lon"] + REGION_MARGIN,
    )


def moderation_queue(*, viewer: Any) -> QuerySet[Idea]:
    """Ideas awaiting moderation that the viewer may moderate (coordinators: their municipalities)."""
    qs = Idea.objects.filter(status="submitted").select_related(
        "process", "municipality", "author", "assisted"
    )
    if is_program_office(viewer) or is_moderator(viewer):
        return qs.order_by("created_at")
    municipality_ids = [m for role, m in viewer.role_grants if role == "coordinator"]
    return qs.filter(municipality_id__in=municipality_ids).order_by("created_at")


def open_reports(*, viewer: Any) -> QuerySet[Report]:
    """Unresolved reports the viewer may handle."""
    qs = Report.objects.filter(resolved_at__isnull=True).select_related(
        "comment__idea", "comment__author", "idea", "reporter"
    )
    if is_program_office(viewer) or is_moderator(viewer):
        return qs
    municipality_ids = [m for role, m in viewer.role_grants if role == "coordinator"]
    return qs.filter(
        Q(idea__municipality_id__in=municipality_ids) | Q(comment__idea__municipality_id__in=municipality_ids)
    )


def notification_list(*, user: Any) -> QuerySet[Notification]:
    """A person's notifications, newest first, with the idea (or measure) they are about."""
    return (
        Notification.objects.filter(user=user)
        .select_related("idea", "measure")
        .order_by("-created_at", "-id")
    )


def unread_notification_count(*, user: Any) -> int:
    """How many notifications the person has not read (read with her on every request, see
    ``person_facts``; this is for a person object that was not)."""
    counted = getattr(user, "unread_notification_count", None)
    if counted is not None:
        return int(counted)
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def person_facts(people: QuerySet[Any]) -> QuerySet[Any]:
    """What every page asks of the signed-in person, read with her (accounts.selectors.person_for_request):
    her block, and how many notifications she has not read (the header's badge)."""
    unread = RawSQL(  # noqa: S611 (table names, no input)
        f"SELECT COUNT(*) FROM {Notification._meta.db_table} "  # noqa: S608 (no input)
        f"WHERE user_id = {people.model._meta.db_table}.id AND read_at IS NULL",
        (),
        output_field=IntegerField(),
    )
    return people.select_related("participation_block").annotate(unread_notification_count=unread)


def personal_data_export_for(user: Any) -> dict[str, Any]:
    """The participation section of a person's GDPR export."""
    return {
        "ideas": [
            {
                "id": idea.pk,
                "title": idea.title,
                "body": idea.body,
                "status": idea.status,
                "created": idea.created_at,
            }
            for idea in Idea.objects.filter(author=user).order_by("created_at")
        ],
        "comments": [
            {"id": c.pk, "idea": c.idea_id, "body": c.body, "created": c.created_at}
            for c in Comment.objects.filter(author=user).order_by("created_at")
        ],
        "supports": list(
            Support.objects.filter(user=user).order_by("created_at").values_list("idea_id", flat=True)
        ),
        "follows": [
            {"process": f.process_id, "idea": f.idea_id}
            for f in Follow.objects.filter(user=user).order_by("created_at")
        ],
        "reports": [
            {"comment": r.comment_id, "idea": r.idea_id, "reason": r.reason}
            for r in Report.objects.filter(reporter=user).order_by("created_at")
        ],
    }
