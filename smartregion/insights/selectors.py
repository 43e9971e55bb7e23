"""Reads for the insights pages: shaped querysets, a fixed number of queries whatever the data size."""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from smartregion.participation.models import PUBLIC_IDEA_STATUSES, Idea, Process

from .models import (
    CategorySuggestion,
    Cluster,
    ClusterMember,
    ClusterRun,
    DuplicatePair,
    PairStatus,
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
    """The clusterings of a process, newest first."""
    return (
        ClusterRun.objects.filter(process=process).select_related("started_by").order_by("-created_at", "-pk")
    )


def cluster_list(*, run: ClusterRun) -> list[Cluster]:
    """A run's clusters with their size, representative ideas (with municipality) and municipalities."""
    clusters: list[Cluster] = list(
        Cluster.objects.filter(run=run)
        .annotate(size=Count("members"))
        .select_related("measure")
        .order_by("position", "pk")
    )
    members = (
        ClusterMember.objects.filter(run=run)
        .select_related("idea__municipality")
        .only("cluster_id", "centrality", "idea__title", "idea__status", "idea__municipality__name")
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
            municipality = row.idea.municipality
            if municipality is not None:
                names[municipality.name] = names.get(municipality.name, 0) + 1
        item.municipalities = sorted(names.items(), key=lambda pair: (-pair[1], pair[0]))  # type: ignore[attr-defined]
    return clusters


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
