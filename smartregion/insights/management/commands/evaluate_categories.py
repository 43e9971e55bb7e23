"""Evaluate the category suggestions on any labelled CSV (one 0/1 column per label).

It trains and predicts with ``insights.categories.CategoryClassifier``, the very class the suggestion
task uses, and prints micro- and macro-F1 averaged over the seeds (with ``--baseline``, also a tuned
TF-IDF + logistic-regression baseline for comparison).
"""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartregion.insights.analyses import single_threaded
from smartregion.insights.categories import evaluate, read_labelled_csv


def _columns(value: str) -> list[str]:
    return [column.strip() for column in value.split(",") if column.strip()]


class Command(BaseCommand):
    help = "Train and evaluate the category suggestions on a labelled CSV; prints micro- and macro-F1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV with a header row, UTF-8")
        parser.add_argument("--text", required=True, help="text columns, comma-separated (joined)")
        parser.add_argument("--labels", required=True, help="0/1 label columns, comma-separated")
        parser.add_argument("--train-share", type=float, default=0.3, help="share of rows to train on")
        parser.add_argument("--seeds", type=int, default=5, help="random splits to average over")
        parser.add_argument("--baseline", action="store_true", help="also evaluate the TF-IDF + LR baseline")

    def handle(self, *args: Any, **options: Any) -> None:
        share, seeds = options["train_share"], options["seeds"]
        if not 0 < share < 1:
            raise CommandError("--train-share must lie between 0 and 1.")
        if seeds < 1:
            raise CommandError("--seeds must be at least 1.")
        labels, texts_columns = _columns(options["labels"]), _columns(options["text"])
        if not labels or not texts_columns:
            raise CommandError("Name at least one text column and one label column.")
        path = Path(options["file"])
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                texts, y = read_labelled_csv(stream, text_columns=texts_columns, label_columns=labels)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(f"{len(texts)} rows, {len(labels)} labels, train share {share}, {seeds} seeds")
        runs = (
            [("baseline (TF-IDF words + logistic regression, C tuned)", True)] if options["baseline"] else []
        )
        runs.append(("suggestions (insights.categories.CategoryClassifier)", False))
        for name, baseline in runs:
            started = time.perf_counter()
            with single_threaded():
                result = evaluate(texts, y, labels=labels, train_share=share, seeds=seeds, baseline=baseline)
            self.stdout.write(
                f"{name}: micro-F1 {result.micro_f1:.3f} (± {result.micro_sd:.3f}), "
                f"macro-F1 {result.macro_f1:.3f} (± {result.macro_sd:.3f}); "
                f"train {result.train_size}, test {result.test_size}, "
                f"{(time.perf_counter() - started) / seeds:.1f} s per seed"
            )
