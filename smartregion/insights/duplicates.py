"""Likely duplicates: TF-IDF over character 3-5-grams and cosine similarity, within one process.

Character grams survive typos ("Fahradweg"), inflection and re-ordered sentences, which is how re-posts
and copied ideas differ; the same ideas are compared only within their process (blocking), so the cost
grows with the largest process, not with the whole site. ``manage.py evaluate_duplicates`` measures
precision and recall of exactly :func:`pairs_among` at :data:`THRESHOLD` (decision 0011).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .text import fold

# Chosen with evaluate_duplicates on the CIMT texts (decision 0011): at 0.55 five times more pairs of
# distinct ideas about the same street come up; at 0.8 one shortened or mistyped re-post in 14 is missed.
THRESHOLD = 0.7
# Rows compared at once: keeps the dense block of similarities at 500 x n floats.
CHUNK = 500


def vectorize(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows over character 3-5-grams inside word boundaries."""
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=fold, dtype=np.float32
    )
    return vectorizer.fit_transform(list(texts)).tocsr()


def pairs_among(
    ids: Sequence[int],
    texts: Sequence[str],
    *,
    threshold: float = THRESHOLD,
    only: Sequence[int] | None = None,
) -> list[tuple[int, int, float]]:
    """Pairs (smaller id, larger id, cosine) of texts at least ``threshold`` alike.

    With ``only`` (ids), just the pairs that involve one of those ideas: a new idea against its process.
    """
    if len(ids) < 2:
        return []
    x = vectorize(texts)
    position = {idea_id: i for i, idea_id in enumerate(ids)}
    rows = [position[i] for i in only if i in position] if only is not None else list(range(len(ids)))
    found: dict[tuple[int, int], float] = {}
    for start in range(0, len(rows), CHUNK):
        block = rows[start : start + CHUNK]
        similarities = (x[block] @ x.T).tocoo()
        for r, c, value in zip(similarities.row, similarities.col, similarities.data, strict=True):
            a, b = ids[block[r]], ids[c]
            if a == b or value < threshold:
                continue
            key = (a, b) if a < b else (b, a)
            found[key] = min(1.0, float(value))
    return [(a, b, score) for (a, b), score in sorted(found.items())]
