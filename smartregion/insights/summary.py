"""Keywords and a short extractive summary of a set of ideas, for briefing the expert board.

Keywords are the stems that distinguish the set from its background (class-based TF-IDF), shown in the
word form people used most; the summary is the few sentences closest to the centroid of all sentences
(centrality), skipping sentences that repeat one already chosen.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .text import STOP_WORDS, sentences, stem, words

MAX_SENTENCES = 3000  # a summary of 10,000 ideas reads the first sentences of each, not every sentence


@dataclass(frozen=True)
class Sentence:
    """A sentence chosen for a summary and the index of the text it comes from."""

    text: str
    source: int


def _stem_counts(texts: Sequence[str]) -> tuple[list[Counter[str]], dict[str, Counter[str]]]:
    """Stem counts per text (each stem once per text), and the word forms seen for each stem."""
    per_text: list[Counter[str]] = []
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        counts: Counter[str] = Counter()
        for word in words(text):
            if len(word) < 3 or word in STOP_WORDS:
                continue
            key = stem(word)
            forms[key][word] += 1
            counts[key] = 1
        per_text.append(counts)
    return per_text, forms


def keywords(texts: Sequence[str], *, background: Sequence[str] = (), top: int = 10) -> list[str]:
    """The ``top`` terms of ``texts``: frequent in them, rare in ``background`` (or rare across them)."""
    per_text, forms = _stem_counts(texts)
    reference = None
    total = len(texts)
    if background:
        background_counts, _forms = _stem_counts(background)
        reference, total = document_frequencies(background_counts), len(background)
    return top_terms(per_text, forms, reference=reference, total=total, top=top)


def stem_counts(texts: Sequence[str]) -> tuple[list[Counter[str]], dict[str, Counter[str]]]:
    """Stems per text and the word forms of each stem: compute once, then ask :func:`top_terms` per group."""
    return _stem_counts(texts)


def document_frequencies(per_text: Sequence[Counter[str]]) -> Counter[str]:
    """In how many texts each stem occurs."""
    df: Counter[str] = Counter()
    for counts in per_text:
        df.update(counts)
    return df


def top_terms(
    per_text: Sequence[Counter[str]],
    forms: dict[str, Counter[str]],
    *,
    reference: Counter[str] | None,
    total: int,
    top: int = 10,
) -> list[str]:
    """Class-based TF-IDF: stems frequent in ``per_text``, weighed by rarity in the reference texts."""
    df = document_frequencies(per_text)
    if reference is None:
        reference = df
    minimum = 2 if len(per_text) >= 5 else 1
    scores = {
        key: count * np.log(1 + total / (1 + reference[key])) for key, count in df.items() if count >= minimum
    }
    best = sorted(scores, key=lambda key: (-scores[key], key))[:top]
    return [forms[key].most_common(1)[0][0] for key in best]


def summarize(texts: Sequence[str], *, count: int = 3) -> list[Sentence]:
    """The ``count`` most central sentences of ``texts`` (40-300 characters), without near-repeats."""
    candidates: list[Sentence] = []
    for index, text in enumerate(texts):
        for sentence in sentences(text):
            if 40 <= len(sentence) <= 300:
                candidates.append(Sentence(sentence, index))
        if len(candidates) >= MAX_SENTENCES:
            break
    if not candidates:
        return []
    try:
        x = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True).fit_transform([s.text for s in candidates])
    except ValueError:  # only stop words: no vocabulary
        return candidates[:count]
    centroid = np.asarray(x.mean(axis=0)).ravel()
    centrality = x @ centroid
    chosen: list[int] = []
    for i in np.argsort(-centrality, kind="stable"):
        if all((x[i] @ x[j].T).toarray()[0, 0] < 0.5 for j in chosen):
            chosen.append(int(i))
        if len(chosen) == count:
            break
    return [candidates[i] for i in chosen]


def _analyzer(text: str) -> list[str]:
    return [stem(w) for w in words(text) if len(w) > 2 and w not in STOP_WORDS]
