"""Writes of the offline insights. Heavy computing runs only in tasks (``insights.tasks``); the services
here store its results and carry out what a person decided, through the participation and strategy
services, so merges, domain changes, measures and links keep their own rules, locks and audit trails."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from threadpoolctl import threadpool_limits

from smartregion.core.permissions import authorize
from smartregion.participation import services as participation
from smartregion.participation.models import Idea, IdeaStatus, Process
from smartregion.strategy import services as strategy
from smartregion.strategy.models import Domain, Goal, Measure, Strategy
from smartregion.surveys.models import TEXT_KINDS, Question
from smartregion.surveys.selectors import text_answers

from . import clustering, duplicates, summary
from .categories import MODEL_VERSION, CategoryClassifier, decide
from .models import (
    CategoryModel,
    CategorySuggestion,
    Cluster,
    ClusterMember,
    ClusterRun,
    DuplicatePair,
    PairStatus,
    RunStatus,
    SuggestionStatus,
)
from .text import idea_text

# Ideas compared for duplicates and clustered: public ones still in play (not merged, not removed).
COMPARED_STATUSES = (IdeaStatus.PUBLISHED, IdeaStatus.UNDER_ASSESSMENT, IdeaStatus.ADOPTED)
# Ideas whose domains count as labels: moderators published them, so someone looked at their domains.
LABELLED_STATUSES = (*COMPARED_STATUSES, IdeaStatus.NOT_PURSUED)
MIN_LABELLED = 20
# Retrain when the labelled ideas grew by this share since the stored model (or it is missing).
RETRAIN_GROWTH = 0.2
SUGGESTION_MIN_CONFIDENCE = 0.3
# The office may ask for this many clusters at least (at most clustering.MAX_CLUSTERS).
MIN_CLUSTERS = 2


def single_threaded() -> Any:
    """Numeric libraries on one thread: on a shared 2-CPU server their thread pools oversubscribe the CPU
    and made clustering 6x slower (decision 0011)."""
    return threadpool_limits(limits=1)


# --- category suggestions ---------------------------------------------------------------------------


def process_labels(process: Process) -> list[Domain]:
    """The label set of a process: its own domains if it names any, else every domain of life."""
    own = list(process.domains.order_by("position", "pk"))
    return own or list(Domain.objects.order_by("position", "pk"))


def _labelled(process: Process, labels: Sequence[Domain]) -> tuple[list[str], np.ndarray]:
    ideas = list(
        Idea.objects.filter(process=process, status__in=LABELLED_STATUSES)
        .only("pk", "title", "body")
        .prefetch_related("domains")
        .order_by("pk")
    )
    column = {domain.pk: i for i, domain in enumerate(labels)}
    y = np.zeros((len(ideas), len(labels)), dtype=np.int8)
    for row, idea in enumerate(ideas):
        for domain in idea.domains.all():
            if domain.pk in column:
                y[row, column[domain.pk]] = 1
    keep: list[bool] = np.asarray(y.any(axis=1)).tolist()
    texts = [idea_text(idea.title, idea.body) for idea, kept in zip(ideas, keep, strict=True) if kept]
    return texts, y[keep]


def category_model_train(*, process: Process) -> CategoryModel | None:
    """Train and store a new model version for a process; None while too few ideas are labelled."""
    labels = process_labels(process)
    texts, y = _labelled(process, labels)
    if len(texts) < MIN_LABELLED or len(labels) < 2 or int((y.sum(axis=0) > 0).sum()) < 2:
        return None
    with single_threaded():
        classifier = CategoryClassifier([str(d.pk) for d in labels]).fit(texts, y)
    for _attempt in range(3):
        version = (CategoryModel.objects.filter(process=process).aggregate(v=Max("version"))["v"] or 0) + 1
        try:
            with transaction.atomic():
                return CategoryModel.objects.create(
                    process=process,
                    version=version,
                    pipeline_version=MODEL_VERSION,
                    labels=[d.pk for d in labels],
                    trained_on=len(texts),
                    data=classifier.dumps(),
                )
        except IntegrityError:
            continue  # another worker stored this version number first: take the next one
    return None


def category_model_current(process: Process) -> tuple[CategoryModel, CategoryClassifier] | None:
    """The newest stored model of a process that this code can use, loaded."""
    stored = (
        CategoryModel.objects.filter(process=process, pipeline_version=MODEL_VERSION)
        .order_by("-version")
        .first()
    )
    if stored is None:
        return None
    classifier = CategoryClassifier.loads(bytes(stored.data))
    return (stored, classifier) if classifier is not None else None


def category_model_needs_training(process: Process) -> bool:
    """Whether the labelled ideas grew enough since the stored model (or there is none) to retrain."""
    labelled = Idea.objects.filter(process=process, status__in=LABELLED_STATUSES).count()
    if labelled < MIN_LABELLED:
        return False
    latest = (
        CategoryModel.objects.filter(process=process, pipeline_version=MODEL_VERSION)
        .order_by("-version")
        .first()
    )
    return latest is None or labelled >= latest.trained_on * (1 + RETRAIN_GROWTH)


def suggestions_make(*, process: Process, ideas: Iterable[Idea]) -> int:
    """Store suggestions for ideas whose predicted domains differ from the ones they have. Never applies them.

    An idea with a decided suggestion keeps it: a person's decision is not asked again.
    """
    current = category_model_current(process)
    ideas = [idea for idea in ideas if idea.process_id == process.pk]
    if current is None or not ideas:
        return 0
    stored, classifier = current
    decided = set(
        CategorySuggestion.objects.filter(idea__in=ideas)
        .exclude(status=SuggestionStatus.OPEN)
        .values_list("idea_id", flat=True)
    )
    ideas = [idea for idea in ideas if idea.pk not in decided]
    if not ideas:
        return 0
    with single_threaded():
        probabilities = classifier.predict_proba([idea_text(i.title, i.body) for i in ideas])
    chosen = decide(probabilities, classifier.thresholds)
    existing_domains: dict[int, set[int]] = {}
    for idea_id, domain_id in Idea.domains.through.objects.filter(idea__in=ideas).values_list(
        "idea_id", "domain_id"
    ):
        existing_domains.setdefault(idea_id, set()).add(domain_id)
    made = 0
    for idea, row, picks in zip(ideas, probabilities, chosen, strict=True):
        suggested = sorted(
            ((int(stored.labels[j]), round(float(row[j]), 3)) for j in np.flatnonzero(picks)),
            key=lambda pair: -pair[1],
        )
        suggested = [pair for pair in suggested if pair[1] >= SUGGESTION_MIN_CONFIDENCE] or suggested[:1]
        if {domain for domain, _c in suggested} == existing_domains.get(idea.pk, set()):
            CategorySuggestion.objects.filter(idea=idea, status=SuggestionStatus.OPEN).delete()
            continue
        CategorySuggestion.objects.update_or_create(
            idea=idea, defaults={"model": stored, "suggested": [list(p) for p in suggested]}
        )
        made += 1
    return made


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


def duplicates_find(*, process: Process, only: Sequence[int] | None = None) -> int:
    """Compare a process's ideas (or just ``only`` against the rest) and store new likely pairs."""
    ideas = list(
        Idea.objects.filter(process=process, status__in=COMPARED_STATUSES)
        .only("pk", "title", "body")
        .order_by("pk")
    )
    with single_threaded():
        found = duplicates.pairs_among(
            [i.pk for i in ideas], [idea_text(i.title, i.body) for i in ideas], only=only
        )
    created = DuplicatePair.objects.bulk_create(
        [DuplicatePair(process=process, first_id=a, second_id=b, score=score) for a, b, score in found],
        ignore_conflicts=True,
    )
    return len(created)


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
    if clusters is not None and not MIN_CLUSTERS <= clusters <= clustering.MAX_CLUSTERS:
        raise ValidationError(
            {
                "clusters": _("Please choose between %(low)s and %(high)s clusters.")
                % {"low": MIN_CLUSTERS, "high": clustering.MAX_CLUSTERS}
            }
        )
    with transaction.atomic():
        run = ClusterRun.objects.create(
            process=process, started_by=actor, requested_clusters=clusters, question=question
        )
        transaction.on_commit(partial(tasks.cluster_compute.enqueue, run_id=run.pk))
    return run


def _progress(run_id: int, percent: int) -> None:
    ClusterRun.objects.filter(pk=run_id).update(progress=min(100, percent))


def _cluster_texts(run: ClusterRun) -> tuple[list[tuple[int | None, int | None]], list[str]]:
    """What a run clusters, as (idea id, answer id) per text: the process's ideas still in play, or the
    free-text answers to the run's question that the moderation has not hidden."""
    if run.question_id is not None:
        question = Question.objects.get(pk=run.question_id)
        answers = list(
            text_answers(question=question, include_hidden=False).only("pk", "text").order_by("pk")
        )
        return [(None, a.pk) for a in answers], [a.text for a in answers]
    ideas = list(
        Idea.objects.filter(process_id=run.process_id, status__in=COMPARED_STATUSES)
        .only("pk", "title", "body")
        .order_by("pk")
    )
    return [(i.pk, None) for i in ideas], [idea_text(i.title, i.body) for i in ideas]


def cluster_compute(*, run: ClusterRun) -> ClusterRun:
    """Compute a queued run (the task): progress is written as it goes, the clusters at the end at once."""
    claimed = ClusterRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING)
    if not claimed:
        return ClusterRun.objects.get(pk=run.pk)  # another worker has it, or it is done
    started = timezone.now()
    members, texts = _cluster_texts(run)
    try:
        with single_threaded():
            # A requested number above the ideas' count cannot be met: each idea is then its own cluster.
            k = min(run.requested_clusters, len(texts)) if run.requested_clusters else None
            groups = clustering.cluster(texts, k=k, progress=partial(_progress, run.pk))
            summaries = [summary.summarize([texts[i] for i in g.members[:200]], count=3) for g in groups]
    except Exception:
        ClusterRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now())
        raise
    with transaction.atomic():
        for position, (group, sentences) in enumerate(zip(groups, summaries, strict=True)):
            item = Cluster.objects.create(
                run=run,
                position=position,
                name=", ".join(group.terms[:3]) or _("Cluster %(number)s") % {"number": position + 1},
                terms=group.terms,
                summary=[{"text": s.text, "idea": members[group.members[s.source]][0]} for s in sentences],
            )
            ClusterMember.objects.bulk_create(
                [
                    ClusterMember(
                        run=run, cluster=item, idea_id=members[m][0], answer_id=members[m][1], centrality=c
                    )
                    for m, c in zip(group.members, group.centrality, strict=True)
                ]
            )
        finished = timezone.now()
        ClusterRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            progress=100,
            idea_count=len(members),
            finished_at=finished,
            seconds=(finished - started).total_seconds(),
        )
    return ClusterRun.objects.get(pk=run.pk)


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
