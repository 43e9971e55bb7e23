"""Writes of the offline insights. Heavy computing runs only in tasks (``insights.analyses``); the services
here store its results and carry out what a person decided, through the participation and strategy
services, so merges, domain changes, measures and links keep their own rules, locks and audit trails."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core.permissions import authorize
from smartregion.participation import services as participation
from smartregion.participation.models import Idea, IdeaStatus, Process
from smartregion.strategy import services as strategy
from smartregion.strategy.models import Domain, Goal, Measure, Strategy
from smartregion.surveys.models import TEXT_KINDS, Question

from .models import (
    MAX_CLUSTERS,
    MIN_CLUSTERS,
    CategorySuggestion,
    Cluster,
    ClusterMember,
    ClusterRun,
    DuplicatePair,
    PairStatus,
    SuggestionStatus,
)

# Ideas compared for duplicates and clustered: public ones still in play (not merged, not removed).
COMPARED_STATUSES = (IdeaStatus.PUBLISHED, IdeaStatus.UNDER_ASSESSMENT, IdeaStatus.ADOPTED)
# Ideas whose domains count as labels: moderators published them, so someone looked at their domains.
LABELLED_STATUSES = (*COMPARED_STATUSES, IdeaStatus.NOT_PURSUED)


# --- category suggestions ---------------------------------------------------------------------------


@transaction.atomic
def suggestion_decide(
    *, actor: Any, suggestion: CategorySuggestion, domains: Iterable[Domain] | None = None
) -> CategorySuggestion:
    """Accept a suggestion (``domains`` None) or correct it (the domains a person chose), through the
    participation service that records it in the idea's history; a decided suggestion is not redone."""
    current = CategorySuggestion.objects.select_for_update().get(pk=suggestion.pk)
    authorize(actor, "insights.decide_suggestion", current)
    suggested_ids = [int(domain_id) for domain_id, _c in current.suggested]
    chosen = list(domains) if domains is not None else list(Domain.objects.filter(pk__in=suggested_ids))
    if not chosen:
        raise ValidationError({"domains": _("Please choose at least one domain of life.")})
    # Filing under domains, not a moderation edit: the author is not told and the idea is not marked
    # "edited by the moderation" (the change is in its history for staff).
    participation.idea_domains_assign(actor=actor, idea=Idea(pk=current.idea_id), domains=chosen)
    same = {d.pk for d in chosen} == set(suggested_ids)
    current.status = SuggestionStatus.ACCEPTED if same else SuggestionStatus.CORRECTED
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    return current


@transaction.atomic
def suggestion_dismiss(*, actor: Any, suggestion: CategorySuggestion) -> CategorySuggestion:
    """Keep the idea's domains as they are; the suggestion is not shown again."""
    current = CategorySuggestion.objects.select_for_update().get(pk=suggestion.pk)
    authorize(actor, "insights.decide_suggestion", current)
    current.status = SuggestionStatus.DISMISSED
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    return current


# --- duplicates -------------------------------------------------------------------------------------


@transaction.atomic
def pair_merge(*, actor: Any, pair: DuplicatePair, keep: Idea, reason: str) -> DuplicatePair:
    """Merge one idea of the pair into the other (the participation merge service moves the supports)."""
    current = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    authorize(actor, "insights.decide_duplicate", current)
    if keep.pk not in (current.first_id, current.second_id):
        raise ValidationError({"keep": _("Please choose one of the two ideas.")})
    other_id = current.second_id if keep.pk == current.first_id else current.first_id
    other = Idea.objects.get(pk=other_id)
    participation.idea_status_change(
        actor=actor, idea=other, status=IdeaStatus.MERGED, reason=reason, merged_into=keep
    )
    current.status = PairStatus.MERGED
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    return current


@transaction.atomic
def pair_dismiss(*, actor: Any, pair: DuplicatePair) -> DuplicatePair:
    """Mark a pair "not a duplicate": it is never proposed again."""
    current = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    authorize(actor, "insights.decide_duplicate", current)
    current.status = PairStatus.DISMISSED
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    return current


# --- clusters ---------------------------------------------------------------------------------------


def cluster_run_start(
    *, actor: Any, process: Process, clusters: int | None = None, question: Question | None = None
) -> ClusterRun:
    """Queue a clustering of a process's ideas (or of the free-text answers to ``question``, a text
    question of one of its surveys) into ``clusters`` groups (None: chosen by the silhouette); the task
    computes it and reports progress."""
    from . import tasks

    authorize(actor, "insights.run_clustering", process)
    if question is not None and (question.survey.process_id != process.pk or question.kind not in TEXT_KINDS):
        raise ValidationError(
            {"question": _("Please choose a free-text question of this process's surveys.")}
        )
    if clusters is not None and not MIN_CLUSTERS <= clusters <= MAX_CLUSTERS:
        raise ValidationError(
            {
                "clusters": _("Please choose between %(low)s and %(high)s clusters.")
                % {"low": MIN_CLUSTERS, "high": MAX_CLUSTERS}
            }
        )
    with transaction.atomic():
        run = ClusterRun.objects.create(
            process=process, started_by=actor, requested_clusters=clusters, question=question
        )
        transaction.on_commit(partial(tasks.cluster_compute.enqueue, run_id=run.pk))
    return run


def cluster_rename(*, actor: Any, cluster: Cluster, name: str) -> Cluster:
    """Give a cluster a name people understand."""
    authorize(actor, "insights.edit_cluster", cluster)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Please give the cluster a name.")})
    cluster.name = name[:200]
    cluster.save(update_fields=["name"])
    return cluster


@transaction.atomic
def cluster_member_move(*, actor: Any, member: ClusterMember, target: Cluster) -> ClusterMember:
    """Move an idea to another cluster of the same run."""
    authorize(actor, "insights.edit_cluster", target)
    current = ClusterMember.objects.select_for_update().get(pk=member.pk)
    if target.run_id != current.run_id:
        raise ValidationError({"cluster": _("Please choose a cluster of the same clustering.")})
    current.cluster = target
    current.save(update_fields=["cluster"])
    return current


def _cluster_ideas_and_domains(cluster: Cluster) -> tuple[list[Idea], list[Domain]]:
    """A cluster's ideas still in play, and the (at most three) domains most of them carry."""
    ideas = list(
        Idea.objects.filter(pk__in=ClusterMember.objects.filter(cluster=cluster).values("idea_id"))
        .filter(status__in=COMPARED_STATUSES)
        .order_by("pk")
    )
    counts: Counter[int] = Counter(
        Idea.domains.through.objects.filter(idea__in=ideas).values_list("domain_id", flat=True)
    )
    domains = list(Domain.objects.filter(pk__in=[d for d, _n in counts.most_common(3)]))
    if not domains:
        raise ValidationError({"title": _("The ideas of this cluster have no domain of life to take over.")})
    return ideas, domains


def _cluster_summary(cluster: Cluster) -> str:
    sentences = " ".join(item["text"] for item in cluster.summary)
    return (sentences or ", ".join(cluster.terms))[:1000]


@transaction.atomic
def cluster_to_measure(*, actor: Any, cluster: Cluster, strategy_obj: Strategy, title: str) -> Measure:
    """Turn a cluster into a draft (unpublished) measure with its ideas linked, for the office to edit."""
    authorize(actor, "insights.edit_cluster", cluster)
    current = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if current.measure_id is not None:
        raise ValidationError({"title": _("This cluster has already become a measure.")})
    ideas, domains = _cluster_ideas_and_domains(current)
    measure = strategy.measure_create(
        actor=actor,
        strategy=strategy_obj,
        title=title,
        summary=_cluster_summary(current),
        domains=domains,
        is_published=False,
    )
    for idea in ideas:
        strategy.idea_link(actor=actor, measure=measure, idea=idea)
    current.measure = measure
    current.save(update_fields=["measure"])
    return measure


@transaction.atomic
def cluster_to_goal(*, actor: Any, cluster: Cluster, title: str) -> Goal:
    """Turn a cluster into a draft (unpublished) goal of the strategy, drawn from the cluster's ideas.

    Unlike a measure's link, drawing a goal from ideas does not mark them adopted: a goal is a direction,
    not yet something the county does.
    """
    authorize(actor, "insights.edit_cluster", cluster)
    current = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if current.goal_id is not None:
        raise ValidationError({"title": _("This cluster has already become a goal.")})
    ideas, domains = _cluster_ideas_and_domains(current)
    goal = strategy.goal_create(
        actor=actor, title=title, summary=_cluster_summary(current), domains=domains, ideas=ideas
    )
    current.goal = goal
    current.save(update_fields=["goal"])
    return goal
