"""Category suggestions: a multi-label text classifier trained on the labels moderators gave.

The same :class:`CategoryClassifier` trains the stored per-process models (``insights.tasks``), makes the
suggestions on the moderation desk and is evaluated by ``manage.py evaluate_categories``, so the figure
printed there is the quality of the suggestions people see (decision 0011).

Model: TF-IDF over Snowball-stemmed words and bigrams plus TF-IDF over character 2-5-grams (typos and
compounds: "Radweg", "Fahrradweg", "Radwegs" share most of their grams), one linear SVM per label
(one-vs-rest) with Platt-scaled confidences, then a decision threshold per label tuned on out-of-fold
predictions of the training data; an idea always gets at least its most probable label, since every
idea belongs to some domain.
"""

from __future__ import annotations

import csv
import io
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC

from .text import StemAnalyzer

# Bumped whenever the pipeline changes: stored models of another version are retrained, never loaded.
MODEL_VERSION = 1
THRESHOLD_GRID = np.round(np.arange(0.10, 0.80, 0.025), 3)


def _vectorizers() -> list[TfidfVectorizer]:
    return [
        TfidfVectorizer(analyzer=StemAnalyzer(bigrams=True), sublinear_tf=True, min_df=1, dtype=np.float32),
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            sublinear_tf=True,
            min_df=2,
            max_features=150_000,
            lowercase=True,
            dtype=np.float32,
        ),
    ]


def _features(vectorizers: list[TfidfVectorizer], texts: Sequence[str], *, fit: bool) -> sparse.csr_matrix:
    parts = [v.fit_transform(texts) if fit else v.transform(texts) for v in vectorizers]
    return sparse.hstack(parts, format="csr")


Model: TypeAlias = LinearSVC | float


def _fit_labels(x: sparse.csr_matrix, y: np.ndarray, c: float) -> list[Model]:
    """One linear SVM per label; a label with one class only is a constant (its class)."""
    models: list[Model] = []
    for column in y.T:
        if column.min() == column.max():
            models.append(float(column[0]))
            continue
        models.append(LinearSVC(C=c, class_weight="balanced").fit(x, column))
    return models


def _decisions(models: list[Model], x: sparse.csr_matrix) -> np.ndarray:
    """Signed distance to each label's hyperplane (a constant label: far on its side)."""
    columns = [
        np.full(x.shape[0], 10.0 if model else -10.0)
        if isinstance(model, float)
        else model.decision_function(x)
        for model in models
    ]
    return np.column_stack(columns) if columns else np.zeros((x.shape[0], 0))


def _sigmoid(decisions: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """Platt scaling: a probability from each decision value, with per-label slope and intercept."""
    return 1.0 / (1.0 + np.exp(-(decisions * calibration[:, 0] + calibration[:, 1])))


def decide(probabilities: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """0/1 labels: every label over its threshold, and at least the most probable one."""
    chosen = (probabilities >= thresholds).astype(np.int8)
    if probabilities.shape[1]:
        best = probabilities.argmax(axis=1)
        chosen[np.arange(len(chosen)), best] = 1
    return chosen


class CategoryClassifier:
    """Multi-label classifier with calibrated confidences and per-label thresholds. Picklable."""

    def __init__(self, labels: Sequence[str], *, c: float = 0.5, tune_folds: int = 3) -> None:
        self.labels = list(labels)
        self.c = c
        self.tune_folds = tune_folds
        self.version = MODEL_VERSION
        self.thresholds = np.full(len(self.labels), 0.5)
        self.calibration = np.tile([1.0, 0.0], (len(self.labels), 1))
        self.vectorizers: list[TfidfVectorizer] = []
        self.models: list[Model] = []
        self.trained_on = 0

    def fit(self, texts: Sequence[str], y: np.ndarray) -> CategoryClassifier:
        """Train on ``texts`` with the 0/1 label matrix ``y`` (one column per label)."""
        y = np.asarray(y, dtype=np.int8)
        if len(texts) < 2 or y.shape != (len(texts), len(self.labels)):
            raise ValueError("Need at least two texts and one 0/1 column per label.")
        self.vectorizers = _vectorizers()
        x = _features(self.vectorizers, texts, fit=True)
        self._calibrate(x, y)
        self.models = _fit_labels(x, y, self.c)
        self.trained_on = len(texts)
        return self

    def _calibrate(self, x: sparse.csr_matrix, y: np.ndarray) -> None:
        """Platt scaling and per-label thresholds from out-of-fold decisions on the training data.

        The folds share the vocabulary and IDF fitted on all training texts: refitting the vectorizers per
        fold would cost three more passes over the texts for thresholds that hardly move."""
        folds = min(self.tune_folds, x.shape[0])
        if folds < 2:
            return
        out_of_fold = np.zeros(y.shape, dtype=float)
        for train, held in KFold(folds, shuffle=True, random_state=0).split(np.arange(x.shape[0])):
            out_of_fold[held] = _decisions(_fit_labels(x[train], y[train], self.c), x[held])
        for label in range(len(self.labels)):
            if y[:, label].min() != y[:, label].max():
                platt = LogisticRegression(C=100.0).fit(out_of_fold[:, [label]], y[:, label])
                self.calibration[label] = (platt.coef_[0, 0], platt.intercept_[0])
        probabilities = _sigmoid(out_of_fold, self.calibration)
        best = probabilities.argmax(axis=1)
        for label in range(len(self.labels)):
            scores = [
                f1_score(y[:, label], (probabilities[:, label] >= t) | (best == label), zero_division=0)
                for t in THRESHOLD_GRID
            ]
            self.thresholds[label] = THRESHOLD_GRID[int(np.argmax(scores))]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated confidence per text and label (rows: texts, columns: ``self.labels``)."""
        x = _features(self.vectorizers, texts, fit=False)
        return _sigmoid(_decisions(self.models, x), self.calibration)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """0/1 label matrix after the tuned thresholds."""
        return decide(self.predict_proba(texts), self.thresholds)

    def dumps(self) -> bytes:
        """The trained model as bytes, for the database (pickle: load only what this site stored)."""
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(data: bytes) -> CategoryClassifier | None:
        """A stored model, or None when it was made by another pipeline version (then retrain)."""
        model = pickle.loads(data)  # noqa: S301 - our own model, written by this code into our database
        return model if getattr(model, "version", None) == MODEL_VERSION else None


def _lr_probabilities(models: list[LogisticRegression | float], x: sparse.csr_matrix) -> np.ndarray:
    columns = [np.full(x.shape[0], m) if isinstance(m, float) else m.predict_proba(x)[:, 1] for m in models]
    return np.column_stack(columns)


class BaselineClassifier:
    """The comparison: word TF-IDF (uni- and bigrams) and one-vs-rest logistic regression, C tuned by CV."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)

    def fit(self, texts: Sequence[str], y: np.ndarray) -> BaselineClassifier:
        """Train, choosing C from a small grid by 3-fold micro-F1 on the training data."""
        y = np.asarray(y, dtype=np.int8)
        best = (-1.0, 1.0)
        for c in (1.0, 10.0, 100.0):
            predicted = np.zeros(y.shape, dtype=np.int8)
            for train, held in KFold(3, shuffle=True, random_state=0).split(texts):
                vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
                x_train = vectorizer.fit_transform([texts[i] for i in train])
                models = [
                    LogisticRegression(C=c, max_iter=1000).fit(x_train, col)
                    if col.min() != col.max()
                    else float(col[0])
                    for col in y[train].T
                ]
                predicted[held] = (
                    _lr_probabilities(models, vectorizer.transform([texts[i] for i in held])) >= 0.5
                )
            score = f1_score(y, predicted, average="micro", zero_division=0)
            best = max(best, (score, c))
        self.vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
        x = self.vectorizer.fit_transform(texts)
        self.models = [
            LogisticRegression(C=best[1], max_iter=1000).fit(x, col)
            if col.min() != col.max()
            else float(col[0])
            for col in y.T
        ]
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """0/1 labels at probability 0.5."""
        return (_lr_probabilities(self.models, self.vectorizer.transform(texts)) >= 0.5).astype(np.int8)


@dataclass(frozen=True)
class Evaluation:
    """Micro- and macro-F1 averaged over seeds, with the spread, and the sizes used."""

    micro_f1: float
    macro_f1: float
    micro_sd: float
    macro_sd: float
    train_size: int
    test_size: int


def read_labelled_csv(
    stream: io.TextIOBase, *, text_columns: Sequence[str], label_columns: Sequence[str]
) -> tuple[list[str], np.ndarray]:
    """Texts (the text columns joined) and the 0/1 label matrix from a CSV; ValueError on a bad file."""
    reader = csv.DictReader(stream)
    missing = [c for c in (*text_columns, *label_columns) if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"Columns not in the file: {', '.join(missing)}")
    texts: list[str] = []
    rows: list[list[int]] = []
    for number, row in enumerate(reader, start=2):
        try:
            labels = [int(float(row[c] or 0)) for c in label_columns]
        except ValueError:
            raise ValueError(f"Line {number}: label columns must hold 0 or 1.") from None
        if any(value not in (0, 1) for value in labels):
            raise ValueError(f"Line {number}: label columns must hold 0 or 1.")
        texts.append("\n".join((row[c] or "").strip() for c in text_columns).strip())
        rows.append(labels)
    if len(texts) < 10:
        raise ValueError("The file needs at least 10 labelled rows.")
    return texts, np.array(rows, dtype=np.int8).reshape(len(rows), len(label_columns))


def evaluate(
    texts: Sequence[str],
    y: np.ndarray,
    *,
    labels: Sequence[str],
    train_share: float,
    seeds: int,
    baseline: bool = False,
) -> Evaluation:
    """Train on a random ``train_share`` of the rows, test on the rest; repeat per seed and average."""
    micro, macro = [], []
    n = len(texts)
    train_size = max(2, round(n * train_share))
    for seed in range(seeds):
        order = np.random.default_rng(seed).permutation(n)
        train, test = order[:train_size], order[train_size:]
        model: CategoryClassifier | BaselineClassifier = (
            BaselineClassifier(labels) if baseline else CategoryClassifier(labels)
        )
        model.fit([texts[i] for i in train], y[train])
        predicted = model.predict([texts[i] for i in test])
        micro.append(f1_score(y[test], predicted, average="micro", zero_division=0))
        macro.append(f1_score(y[test], predicted, average="macro", zero_division=0))
    return Evaluation(
        micro_f1=float(np.mean(micro)),
        macro_f1=float(np.mean(macro)),
        micro_sd=float(np.std(micro)),
        macro_sd=float(np.std(macro)),
        train_size=train_size,
        test_size=n - train_size,
    )
