"""The office's analyses, computed: category models and suggestions, duplicate scans and clusterings.

They run only in tasks (``insights.tasks``, on the ``insights`` queue) and in the evaluation commands, and
they are the one place that loads the numeric libraries (numpy, scipy, scikit-learn: about 120 MiB). Web
workers never import this module, so they stay small (issue 15); what a person decides about the results
(accept, merge, rename, turn into a measure) is in ``insights.services``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from threadpoolctl import threadpool_limits

from smartregion.participation.models import Idea, Process
from smartregion.strategy.models import Domain
from smartregion.surveys.models import Question
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
    RunStatus,
    SuggestionStatus,
)
from .services import COMPARED_STATUSES, LABELLED_STATUSES
from .text import idea_text

MIN_LABELLED = 20
# Retrain when the labelled ideas grew by this share since the stored model (or it is missing).
RETRAIN_GROWTH = 0.2
SUGGESTION_MIN_CONFIDENCE = 0.3


def single_threaded() -> Any:
    """Numeric libraries on one thread: on a shared 2-CPU server their thread pools oversubscribe the CPU
    and made clustering 6x slower (decision 0011)."""
    return threadpool_limits(limits=1)


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
