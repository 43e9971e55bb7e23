"""Measure duplicate detection on pairs built from real texts: precision and recall at the threshold used.

For a sample of ideas it writes a re-post (typos), a re-ordered copy (sentences shuffled), a shortened
copy (the first two thirds) or a combination, puts them among the original ideas of their process, runs
``insights.duplicates.pairs_among`` (the code the task runs) per process, and counts which pairs it
finds: a found pair of an idea and its variant is right, any other found pair counts as wrong (different
ideas of the same process), even where the originals happen to repeat each other.
"""

import csv
import random
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartregion.insights.analyses import single_threaded
from smartregion.insights.duplicates import THRESHOLD, pairs_among
from smartregion.insights.text import sentences

# ../shared/data next to the checkout (a git worktree sits one level deeper, hence the second place).
_ROOT = Path(__file__).resolve().parents[4]
DEFAULT_FILE = next(
    (
        place / "shared" / "data" / "cimt_proposals_de.csv"
        for place in (_ROOT.parent, _ROOT.parent.parent)
        if (place / "shared" / "data" / "cimt_proposals_de.csv").exists()
    ),
    _ROOT.parent / "shared" / "data" / "cimt_proposals_de.csv",
)
KEYBOARD_NEIGHBOURS = "qwertzuiopü asdfghjklöä yxcvbnm"


def typos(text: str, rng: random.Random, rate: float = 0.04) -> str:
    """Swap, drop, double or replace letters in about ``rate`` of the words, as hurried typing does."""
    out = []
    for original in text.split(" "):
        word = original
        if len(word) > 3 and rng.random() < rate * 3:
            i = rng.randrange(1, len(word) - 1)
            kind = rng.randrange(4)
            if kind == 0:
                word = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
            elif kind == 1:
                word = word[:i] + word[i + 1 :]
            elif kind == 2:
                word = word[:i] + word[i] + word[i:]
            else:
                word = word[:i] + rng.choice(KEYBOARD_NEIGHBOURS.replace(" ", "")) + word[i + 1 :]
        out.append(word)
    return " ".join(out)


def variant(text: str, rng: random.Random) -> tuple[str, str]:
    """A re-post of ``text`` and what kind it is."""
    parts = sentences(text)
    kind = rng.choice(["typos", "shuffled", "truncated", "shuffled+typos"])
    if kind.startswith("shuffled") and len(parts) > 1:
        rng.shuffle(parts)
        text = " ".join(parts)
    elif kind == "truncated":
        words = text.split()
        text = " ".join(words[: max(5, len(words) * 2 // 3)])
    if "typos" in kind:
        text = typos(text, rng)
    return text, kind


class Command(BaseCommand):
    help = "Precision and recall of the duplicate detection on re-posts built from real texts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE), help="CSV with title/text columns")
        parser.add_argument("--text", default="title,text", help="text columns, comma-separated")
        parser.add_argument("--group", default="dataset", help="column naming the process (blocking)")
        parser.add_argument("--variants", type=int, default=300, help="re-posts to hide among the ideas")
        parser.add_argument("--threshold", type=float, default=THRESHOLD, help="similarity threshold")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--min-length", type=int, default=80, help="shortest text to re-post")
        parser.add_argument("--show", type=int, default=5, help="pairs among the originals to print")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        columns = [c.strip() for c in options["text"].split(",") if c.strip()]
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                reader = csv.DictReader(stream)
                missing = [c for c in [*columns, options["group"]] if c not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(f"{path}: columns not in the file: {', '.join(missing)}")
                rows = [
                    (row[options["group"]], ". ".join(row[c] for c in columns if row[c])) for row in reader
                ]
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        rng = random.Random(options["seed"])  # noqa: S311 - test data, not secrets
        candidates = [i for i, (_g, text) in enumerate(rows) if len(text) >= options["min_length"]]
        if not candidates:
            raise CommandError("No text is long enough to build re-posts from.")
        chosen = rng.sample(candidates, min(options["variants"], len(candidates)))
        groups: dict[str, list[tuple[int, str]]] = {}
        for i, (group, text) in enumerate(rows):
            groups.setdefault(group, []).append((i, text))
        truth: set[tuple[int, int]] = set()
        kinds: dict[int, str] = {}
        next_id = len(rows)
        for i in chosen:
            text, kind = variant(rows[i][1], rng)
            groups[rows[i][0]].append((next_id, text))
            truth.add((i, next_id))
            kinds[next_id] = kind
            next_id += 1
        found: set[tuple[int, int]] = set()
        with single_threaded():
            for items in groups.values():
                found |= {
                    (a, b)
                    for a, b, _s in pairs_among(
                        [i for i, _t in items], [t for _i, t in items], threshold=options["threshold"]
                    )
                }
        hits = found & truth
        precision = len(hits) / len(found) if found else 1.0
        recall = len(hits) / len(truth)
        # Pairs with a re-post in them: is the re-post paired with its own original and nothing else?
        with_variant = {pair for pair in found if pair[1] >= len(rows)}
        variant_precision = len(hits) / len(with_variant) if with_variant else 1.0
        among_originals = sorted(found - with_variant)
        self.stdout.write(
            f"{len(rows)} ideas in {len(groups)} processes, {len(truth)} re-posts hidden among them; "
            f"threshold {options['threshold']:.2f}"
        )
        self.stdout.write(
            f"precision {precision:.3f} ({len(hits)} of {len(found)} pairs found), "
            f"recall {recall:.3f} ({len(hits)} of {len(truth)} re-posts found)"
        )
        self.stdout.write(
            f"precision on pairs with a re-post {variant_precision:.3f} "
            f"({len(hits)} of {len(with_variant)}); "
            f"{len(among_originals)} pairs among the original ideas (counted as wrong above; read a few:"
            f" many are real duplicates in the data)"
        )
        for a, b in among_originals[: options["show"]]:
            self.stdout.write(f"  #{a} {rows[a][1][:70]!r}  ~  #{b} {rows[b][1][:70]!r}")
        for kind in sorted(set(kinds.values())):
            ids = [v for v, k in kinds.items() if k == kind]
            caught = sum(1 for a, b in hits if b in ids)
            self.stdout.write(f"  {kind}: {caught} of {len(ids)} found")
