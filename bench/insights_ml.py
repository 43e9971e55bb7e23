"""Offline insights at scale: training category suggestions on 5,000 labelled ideas and clustering 10,000.

What it does
    1. Reads ../shared/data/cimt_proposals_de.csv (next to the checkout) at run time, never copying it:
       4,711 real German contributions from five mobility processes. Ideas beyond that (for 5,000 and
       10,000) are re-posts of real ones with typos, shuffled sentences or cut short, so the vocabulary
       stays real and grows as it does with more people writing.
    2. Trains ``insights.categories.CategoryClassifier`` (the code of the suggestion task) on 5,000
       labelled ideas, the five processes as labels, and times it; then predicts 1,000 new ideas.
    3. Clusters 10,000 ideas with ``insights.clustering.cluster`` (the code of the clustering task,
       k chosen by silhouette) and times it, plus the summaries of the clusters as the task writes them.
    4. With ``--quality``: writes the labelled CSV (one 0/1 column per process) to a temporary file and
       runs ``manage.py evaluate_categories`` on it with the baseline, 30 % labelled, 5 seeds; and
       ``manage.py evaluate_duplicates``.

Memory is the process's peak resident size (ru_maxrss) after each step. CPU seconds (process time)
are printed beside wall seconds: on a shared machine they say what the work costs on a CPU of its own.
Numeric libraries run on one thread, as the tasks do. Targets: training < 30 s, clustering < 60 s.
The CPU is shared; the load average at the start and the end is printed so a reader can judge the figures.

Usage: .venv/bin/python bench/insights_ml.py [--quality] [--ideas 10000] [--labelled 5000]
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = next(
    (
        p / "shared/data/cimt_proposals_de.csv"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared").exists()
    ),
    ROOT.parent / "shared/data/cimt_proposals_de.csv",
)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    """Run the steps and print seconds and memory."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--labelled", type=int, default=5_000)
    parser.add_argument("--quality", action="store_true")
    options = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is missing: the benchmark needs the real texts.")

    import django

    django.setup()
    import numpy as np

    from smartregion.insights.analyses import single_threaded
    from smartregion.insights.categories import CategoryClassifier
    from smartregion.insights.clustering import cluster
    from smartregion.insights.management.commands.evaluate_duplicates import variant
    from smartregion.insights.summary import summarize

    with DATA.open(encoding="utf-8", newline="") as stream:
        rows = [(row["dataset"], f"{row['title']}\n{row['text']}".strip()) for row in csv.DictReader(stream)]
    labels = sorted({label for label, _t in rows})
    rng = random.Random(0)

    def scaled(count: int) -> list[tuple[str, str]]:
        out = list(rows[:count])
        while len(out) < count:
            label, text = rng.choice(rows)
            out.append((label, variant(text, rng)[0]))
        rng.shuffle(out)
        return out

    print(f"load average at start: {_load()} (2 CPUs, shared); peak memory so far {_rss_mb():.0f} MB")
    with single_threaded():
        training = scaled(options.labelled + 1000)
        texts = [t for _l, t in training]
        y = np.array([[int(label == name) for name in labels] for label, _t in training], dtype=np.int8)
        started, cpu = time.perf_counter(), time.process_time()
        model = CategoryClassifier(labels).fit(texts[: options.labelled], y[: options.labelled])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = len(model.dumps()) / 1e6
        started = time.perf_counter()
        model.predict(texts[options.labelled :])
        predict = time.perf_counter() - started
        print(
            f"train on {options.labelled:,} labelled ideas: {seconds:.1f} s wall, {cpu:.1f} s CPU "
            "(target < 30 s); "
            f"model {size:.1f} MB pickled; predict 1,000 new ideas: {predict:.1f} s; "
            f"peak memory {_rss_mb():.0f} MB"
        )

        corpus = [t for _l, t in scaled(options.ideas)]
        started, cpu = time.perf_counter(), time.process_time()
        groups = cluster(corpus)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        for group in groups:
            summarize([corpus[i] for i in group.members[:200]], count=3)
        summaries = time.perf_counter() - started
        print(
            f"cluster {options.ideas:,} ideas: {seconds:.1f} s wall, {cpu:.1f} s CPU (target < 60 s), "
            f"{len(groups)} clusters "
            f"(sizes {', '.join(str(len(g.members)) for g in groups[:8])}…); summaries {summaries:.1f} s; "
            f"peak memory {_rss_mb():.0f} MB"
        )

    if options.quality:
        _quality(rows, labels)
    print(f"load average at end: {_load()}")


def _quality(rows: list[tuple[str, str]], labels: list[str]) -> None:
    """The evaluation commands on the real texts: categories with the baseline, then duplicates."""
    from django.core.management import call_command

    if True:
        with tempfile.NamedTemporaryFile(
            "w", suffix=".csv", encoding="utf-8", newline="", delete=False
        ) as out:
            writer = csv.writer(out)
            writer.writerow(["text", *labels])
            for label, text in rows:
                writer.writerow([text, *[int(label == name) for name in labels]])
        try:
            call_command(
                "evaluate_categories",
                out.name,
                text="text",
                labels=",".join(labels),
                train_share=0.3,
                seeds=5,
                baseline=True,
            )
        finally:
            os.unlink(out.name)
        call_command("evaluate_duplicates", str(DATA))


if __name__ == "__main__":
    main()
