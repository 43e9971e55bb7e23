"""Clusters of similar ideas: TF-IDF over stems → TruncatedSVD → MiniBatchKMeans, k by silhouette.

The number of clusters is chosen by the silhouette score on a sample (at most 2,000 ideas) among a few
candidates between 2 and 25; every step reports its progress so the office sees the run advance. Figures
for 10,000 ideas are in decision 0011 (bench/insights_ml.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from .models import MAX_CLUSTERS
from .summary import document_frequencies, keywords, stem_counts, top_terms
from .text import StemAnalyzer

SILHOUETTE_SAMPLE = 2000
Progress = Callable[[int], None]


@dataclass
class Group:
    """One cluster: member indexes ordered by centrality (most representative first), and top terms."""

    members: list[int]
    centrality: list[float]
    terms: list[str] = field(default_factory=list)


def _candidates(n: int) -> list[int]:
    upper = max(2, min(MAX_CLUSTERS, n // 4))
    return sorted({k for k in (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25) if k <= upper}) or [2]


def cluster(texts: Sequence[str], *, k: int | None = None, progress: Progress | None = None) -> list[Group]:
    """Cluster ``texts``; ``k`` fixed or chosen by silhouette. Fewer than 4 texts make one group."""
    report = progress or (lambda percent: None)
    n = len(texts)
    if n < 4:
        return (
            [Group(members=list(range(n)), centrality=[1.0] * n, terms=keywords(texts, top=8))] if n else []
        )
    vectorizer = TfidfVectorizer(
        analyzer=StemAnalyzer(bigrams=False), sublinear_tf=True, min_df=2 if n >= 50 else 1, max_df=0.5
    )
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return [Group(members=list(range(n)), centrality=[1.0] * n)]
    report(20)
    dimensions = max(1, min(100, tfidf.shape[1] - 1, n - 1))
    reduced = (
        normalize(TruncatedSVD(dimensions, random_state=0).fit_transform(tfidf)) if dimensions > 1 else tfidf
    )
    report(40)
    sample = np.random.default_rng(0).permutation(n)[:SILHOUETTE_SAMPLE]
    options = [k] if k else _candidates(n)
    best: tuple[float, MiniBatchKMeans | None] = (-2.0, None)
    # The search fits each candidate once (n_init=1); only the chosen k is fitted again with three starts.
    for step, candidate in enumerate(options, start=1):
        model = MiniBatchKMeans(candidate, random_state=0, n_init=1, batch_size=1024).fit(reduced)
        labels = model.labels_
        score = silhouette_score(reduced[sample], labels[sample]) if len(set(labels[sample])) > 1 else -1.0
        if score > best[0]:
            best = (score, model)
        report(40 + 45 * step // len(options))
    chosen = best[1].n_clusters if best[1] is not None else options[0]
    model = MiniBatchKMeans(chosen, random_state=0, n_init=3, batch_size=1024).fit(reduced)
    report(88)
    centres = normalize(model.cluster_centers_)
    groups: list[Group] = []
    for label in range(centres.shape[0]):
        members = np.flatnonzero(model.labels_ == label)
        if not len(members):
            continue
        closeness = np.asarray(reduced[members] @ centres[label]).ravel()
        order = np.argsort(-closeness, kind="stable")
        groups.append(
            Group(members=[int(m) for m in members[order]], centrality=[float(c) for c in closeness[order]])
        )
    # Stems are counted once for all texts; each cluster is then weighed against the whole process.
    per_text, forms = stem_counts(texts)
    reference = document_frequencies(per_text)
    for group in groups:
        group.terms = top_terms(
            [per_text[i] for i in group.members], forms, reference=reference, total=n, top=8
        )
    groups.sort(key=lambda g: -len(g.members))
    report(95)
    return groups
