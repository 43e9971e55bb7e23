"""Reads of the insights: shaped querysets, a fixed number of queries whatever the data size.

Search and similar ideas show public content only: the index says what matches and in which order; before
anything is shown, each page's documents are checked again against the live rows with the public rules of
their own apps, so content hidden a moment ago (before its index task ran) never appears, not even as a
snippet.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, F, IntegerField, Prefetch, QuerySet, Value
from django.urls import reverse
from django.utils.safestring import SafeString

from smartregion.events.models import Event
from smartregion.participation import selectors as participation
from smartregion.participation.models import PUBLIC_IDEA_STATUSES, Comment, Idea, IdeaStatus, Process
from smartregion.strategy.selectors import measure_list
from smartregion.surveys.models import TEXT_KINDS, Answer, Question
from smartregion.surveys.selectors import published_surveys

from . import search
from .models import (
    CategorySuggestion,
    Cluster,
    ClusterMember,
    ClusterRun,
    DuplicatePair,
    PairStatus,
    SearchEntry,
    SearchKind,
    SuggestionStatus,
)
from .services import COMPARED_STATUSES

REPRESENTATIVES = 5


def duplicate_queue(*, viewer: Any) -> QuerySet[DuplicatePair]:
    """Open pairs whose ideas can both still be merged or kept, most alike first."""
    return (
        DuplicatePair.objects.filter(
            status=PairStatus.OPEN,
            first__status__in=COMPARED_STATUSES,
            second__status__in=COMPARED_STATUSES,
        )
        .select_related("process", "first__municipality", "second__municipality")
        .order_by("-score", "pk")
    )


def suggestion_queue(*, viewer: Any) -> QuerySet[CategorySuggestion]:
    """Open suggestions on ideas that are not removed or merged, oldest first, with the ideas' domains."""
    return (
        CategorySuggestion.objects.filter(status=SuggestionStatus.OPEN, idea__merged_into__isnull=True)
        .exclude(idea__status__in=("rejected", "hidden", "merged"))
        .select_related("idea__process", "idea__municipality")
        .prefetch_related("idea__domains")
        .order_by("created_at", "pk")
    )


def cluster_runs(*, process: Process) -> QuerySet[ClusterRun]:
    """The clusterings of a process (of its ideas, or of a survey question's answers), newest first."""
    return (
        ClusterRun.objects.filter(process=process)
        .select_related("started_by", "question__survey")
        .order_by("-created_at", "-pk")
    )


def clusterable_questions(*, process: Process) -> QuerySet[Question]:
    """The free-text questions of a process's surveys, whose answers the office may cluster."""
    return (
        Question.objects.filter(survey__process=process, kind__in=TEXT_KINDS)
        .select_related("survey")
        .order_by("survey__title", "position", "pk")
    )


def cluster_list(*, run: ClusterRun) -> list[Cluster]:
    """A run's clusters with their size, representative ideas (with municipality) and municipalities."""
    clusters: list[Cluster] = list(
        Cluster.objects.filter(run=run)
        .annotate(size=Count("members"))
        .select_related("measure", "goal")
        .order_by("position", "pk")
    )
    members = (
        ClusterMember.objects.filter(run=run)
        .select_related("idea__municipality", "answer__response__municipality")
        .only(
            "cluster_id",
            "centrality",
            "idea__title",
            "idea__status",
            "idea__municipality__name",
            "answer__text",
            "answer__response__municipality__name",
        )
        .order_by("cluster_id", "-centrality", "pk")
    )
    by_cluster: dict[int, list[ClusterMember]] = {}
    for member in members:
        by_cluster.setdefault(member.cluster_id, []).append(member)
    for item in clusters:
        rows = by_cluster.get(item.pk, [])
        item.representatives = rows[:REPRESENTATIVES]  # type: ignore[attr-defined]
        item.all_members = rows  # type: ignore[attr-defined]
        names: dict[str, int] = {}
        for row in rows:
            municipality = _member_municipality(row)
            if municipality is not None:
                names[municipality.name] = names.get(municipality.name, 0) + 1
        item.municipalities = sorted(names.items(), key=lambda pair: (-pair[1], pair[0]))  # type: ignore[attr-defined]
    return clusters


def _member_municipality(member: ClusterMember) -> Any:
    # An answer's place is the one its respondent gave, if any.
    if member.idea is not None:
        return member.idea.municipality
    return member.answer.response.municipality if member.answer is not None else None


def briefing_ideas(
    *, process: Process, status: str = "", municipality: int | None = None, domain: int | None = None
) -> QuerySet[Idea]:
    """The public ideas of a process under the idea list's filters, for keywords and a summary."""
    ideas = Idea.objects.filter(process=process, status__in=PUBLIC_IDEA_STATUSES)
    if status:
        ideas = ideas.filter(status=status)
    if municipality:
        ideas = ideas.filter(municipality_id=municipality)
    if domain:
        ideas = ideas.filter(domains=domain)
    return ideas.order_by("-support_count", "pk")


def members_prefetch() -> Prefetch:
    """Members of clusters with their ideas (for the move form's choices)."""
    return Prefetch("members", queryset=ClusterMember.objects.select_related("idea").order_by("-centrality"))


PAGE_SIZE = 20
SIMILAR_COUNT = 5
PUBLIC = AnonymousUser()


@dataclass(frozen=True)
class Result:
    """One search result as the page shows it."""

    kind: str
    kind_label: str
    title: SafeString
    snippet: SafeString
    url: str


@dataclass
class SearchResults:
    parsed: search.ParsedQuery
    kind: str = ""
    page: Page | None = None
    results: list[Result] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    suggestion: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def capped(self) -> bool:
        """Whether some count stopped at the cap (the page then says "more than")."""
        return any(count >= search.MATCH_CAP for count in self.counts.values())

    @property
    def capped_at(self) -> int:
        return search.MATCH_CAP

    @property
    def facets(self) -> list[dict[str, Any]]:
        """One entry per kind: its label, capped count, and whether the results are narrowed to it."""
        return [
            {"kind": kind, "label": label, "count": self.counts.get(kind, 0), "active": kind == self.kind}
            for kind, label in SearchKind.choices
        ]


def _ids(by_kind: dict[str, list[int]], kind: str) -> list[int]:
    # Ids start at 1, so [0] matches nothing, but still asks: every kind is part of the one query whatever
    # kinds a page holds, so that the page's query count does not depend on the data.
    return by_kind.get(kind) or [0]


def _public_rows(kind: str, rows: QuerySet[Any], slug: str = "", first: str = "", second: str = "") -> Any:
    """``rows`` as (kind, pk, slug, first id, second id): one part of _public_urls' union."""
    return (
        rows.order_by()
        .annotate(
            hit_kind=Value(kind, output_field=CharField()),
            hit_pk=F("pk"),
            hit_slug=F(slug) if slug else Value("", output_field=CharField()),
            hit_first=F(first) if first else Value(0, output_field=IntegerField()),
            hit_second=F(second) if second else Value(0, output_field=IntegerField()),
        )
        .values_list("hit_kind", "hit_pk", "hit_slug", "hit_first", "hit_second")
    )


def _public_urls(hits: list[search.Hit]) -> dict[tuple[str, int], str]:
    """The address of each hit the public may see now; hits missing from the answer are not shown.

    One query, a union of one part per kind with that kind's public rules: five queries, most of them for
    kinds the page does not hold, cost five round trips (PostgreSQL: 6-8 ms of the page at 100,000 ideas).
    """
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.object_id)
    public_ideas = participation.idea_list(viewer=PUBLIC, filters=participation.IdeaFilters())
    # Unordered: with the list's order (newest first) PostgreSQL walked the whole date index to find
    # 20 ids (80-100 ms at 100,000 ideas).
    ideas = public_ideas.filter(pk__in=_ids(by_kind, SearchKind.IDEA))
    comments = Comment.objects.filter(
        pk__in=_ids(by_kind, SearchKind.COMMENT),
        is_deleted=False,
        is_hidden=False,
        idea__in=public_ideas.select_related(None).prefetch_related(None).values("pk"),
    )
    measures = measure_list(viewer=PUBLIC).filter(pk__in=_ids(by_kind, SearchKind.MEASURE))
    events = Event.objects.filter(pk__in=_ids(by_kind, SearchKind.EVENT)).exclude(status=Event.Status.DRAFT)
    # Free texts not hidden by the moderation, of surveys whose results the public may read now.
    answers = Answer.objects.filter(
        pk__in=_ids(by_kind, SearchKind.ANSWER),
        hidden=False,
        question__survey__in=published_surveys().values("pk"),
    )
    union = _public_rows(SearchKind.IDEA, ideas.select_related(None).prefetch_related(None)).union(
        _public_rows(SearchKind.COMMENT, comments, first="idea_id"),
        _public_rows(SearchKind.MEASURE, measures, slug="slug"),
        _public_rows(SearchKind.EVENT, events, slug="slug"),
        _public_rows(SearchKind.ANSWER, answers, first="question__survey_id", second="question_id"),
        all=True,
    )
    urls: dict[tuple[str, int], str] = {}
    for kind, pk, slug, first, second in union:
        if kind == SearchKind.IDEA:
            url = reverse("participation:idea", args=[pk])
        elif kind == SearchKind.COMMENT:
            url = reverse("participation:idea", args=[first]) + f"#comment-{pk}"
        elif kind == SearchKind.MEASURE:
            url = reverse("strategy:measure", kwargs={"slug": slug})
        elif kind == SearchKind.EVENT:
            url = reverse("events:event", kwargs={"slug": slug})
        else:
            url = reverse("surveys:texts", args=[first, second])
        urls[(kind, pk)] = url
    return urls


def _page_number(value: Any) -> int:
    """The page asked for, read as Paginator.get_page reads it: not a number is the first page; a number
    below 1 is past the end (the last page), as is any above the pages MATCH_CAP hits can fill."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= search.MATCH_CAP else search.MATCH_CAP


def search_everything(*, q: str, kind: str = "", page_number: Any = 1) -> SearchResults:
    """Public ideas, comments, measures, events and survey answers matching every word of ``q``, best
    first, paged."""
    parsed = search.parse_query(q)
    kind = kind if kind in SearchKind.values else ""
    found = SearchResults(parsed=parsed, kind=kind)
    if parsed.is_empty:
        return found
    # The engine cuts the page (search.match_everything), so the page's number is read before the hits are
    # counted; a number past the last page asks once more for the last one, as Paginator.get_page shows it.
    number = _page_number(page_number)
    everything = search.match_everything(
        parsed.terms, kind=kind, offset=(number - 1) * PAGE_SIZE, size=PAGE_SIZE
    )
    paginator = Paginator(range(everything.total), PAGE_SIZE)
    if number > paginator.num_pages:
        number = paginator.num_pages
        everything = search.match_everything(
            parsed.terms, kind=kind, offset=(number - 1) * PAGE_SIZE, size=PAGE_SIZE
        )
    found.counts = everything.counts
    hits = everything.hits
    found.page = Page(hits, number, paginator)
    # Only what the page shows: the stems are as long as the texts and not needed here.
    entries = SearchEntry.objects.only("title", "body").in_bulk([hit.entry_id for hit in hits])
    urls = _public_urls(hits)
    labels = dict(SearchKind.choices)
    for hit in hits:
        entry = entries.get(hit.entry_id)
        url = urls.get((hit.kind, hit.object_id))
        if entry is None or url is None:
            continue
        found.results.append(
            Result(
                kind=hit.kind,
                kind_label=str(labels[hit.kind]),
                title=search.highlight(entry.title, parsed.terms, length=300),
                snippet=search.highlight(entry.body, parsed.terms),
                url=url,
            )
        )
    if not everything.total:
        found.suggestion = search.did_you_mean(parsed)
    return found


def similar_ideas(*, process: Process, text: str, limit: int = SIMILAR_COUNT) -> list[Idea]:
    """The published ideas of ``process`` most like ``text`` (any of its telling words), best first."""
    query = search.similar_query(text)
    if not query.match:
        return []
    hits = search.match(
        query.match,
        kind=SearchKind.IDEA,
        process_id=process.pk,
        any_term=True,
        rank_terms=query.rank,
        window=search.SIMILAR_WINDOW,
        limit=limit * 2,
    )
    ids = [hit.object_id for hit in hits]
    ideas = (
        participation.idea_list(viewer=PUBLIC, filters=participation.IdeaFilters(process=process))
        .filter(pk__in=ids)
        .exclude(status=IdeaStatus.MERGED)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "title", "support_count", "status", "process_id")
        .order_by()  # ranked below; the list's own order only slows the lookup of these few ids
    )
    order = {pk: position for position, pk in enumerate(ids)}
    return sorted(ideas, key=lambda idea: order[idea.pk])[:limit]
