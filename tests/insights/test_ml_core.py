"""The offline text analysis itself: stems, the category classifier, duplicates, clusters, summaries, and
the two evaluation commands on files they have never seen."""

import csv
import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from smartregion.insights import categories, clustering, duplicates, summary
from smartregion.insights.text import StemAnalyzer, sentences, stems

from .corpus import TOPICS, ideas


def test_stems_join_inflections_and_keep_umlauts_and_sharp_s():
    assert stems("Radwege")[0] == stems("Radweg")[0]
    assert stems("Straße") == stems("Strasse")  # Snowball spells ß out, so both spellings match
    assert stems("Bürgerbüro")[0].startswith("burg")  # umlauts are folded only by the stemmer
    assert stems("und oder aber die der das") == []
    assert StemAnalyzer()("Sichere Radwege bauen")[-1].count(" ") == 1  # a bigram


def test_sentences_split_on_end_marks_and_line_breaks():
    assert sentences("Erster Satz. Zweiter Satz!\nDritter") == ["Erster Satz.", "Zweiter Satz!", "Dritter"]


def _matrix(rows):
    labels = list(TOPICS)
    return [f"{t}\n{b}" for _k, t, b in rows], np.array(
        [[int(k == label) for label in labels] for k, *_ in rows]
    )


def test_classifier_learns_topics_and_survives_pickling():
    texts, y = _matrix(ideas(30))
    model = categories.CategoryClassifier(list(TOPICS)).fit(texts, y)
    test_texts, test_y = _matrix(ideas(10, seed=7))
    predicted = model.predict(test_texts)
    assert predicted.sum(axis=1).min() >= 1  # every idea gets at least one domain
    assert (predicted == test_y).all(axis=1).mean() > 0.9
    probabilities = model.predict_proba(test_texts)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    restored = categories.CategoryClassifier.loads(model.dumps())
    assert restored is not None
    assert (restored.predict(test_texts) == predicted).all()


def test_a_model_of_another_pipeline_version_is_not_loaded(monkeypatch):
    texts, y = _matrix(ideas(10))
    data = categories.CategoryClassifier(list(TOPICS)).fit(texts, y).dumps()
    monkeypatch.setattr(categories, "MODEL_VERSION", categories.MODEL_VERSION + 1)
    assert categories.CategoryClassifier.loads(data) is None


def test_a_label_nobody_used_yet_does_not_break_training():
    texts, y = _matrix(ideas(10))
    y[:, 2] = 0
    model = categories.CategoryClassifier(list(TOPICS)).fit(texts, y)
    assert model.predict(texts)[:, 2].sum() == 0


def test_duplicates_find_typos_and_shuffles_but_not_other_ideas():
    rows = ideas(15)
    texts = [f"{t}. {b}" for _k, t, b in rows]
    original = (
        "Sicherer Radweg an der B9. Zwischen Andernach und Weißenthurm fehlt ein sicherer Radweg für Kinder."
    )
    repost = (
        "Zwischen Andernach und Weissenthurm fehlt ein sichrer Radwg für Kinder. Sicherer Radweg an der B9."
    )
    ids = list(range(1, len(texts) + 3))
    pairs = duplicates.pairs_among(ids, [*texts, original, repost])
    assert (ids[-2], ids[-1]) in {(a, b) for a, b, _s in pairs}
    assert all(0 <= score <= 1 for *_ab, score in pairs)
    only = duplicates.pairs_among(ids, [*texts, original, repost], only=[ids[-1]])
    assert [(a, b) for a, b, _s in only] == [(ids[-2], ids[-1])]


def test_clusters_separate_topics_and_report_progress():
    rows = ideas(25)
    seen = []
    groups = clustering.cluster([f"{t}. {b}" for _k, t, b in rows], progress=seen.append)
    assert seen
    assert seen == sorted(seen)
    assert sum(len(g.members) for g in groups) == len(rows)
    purity = sum(max(sum(1 for m in g.members if rows[m][0] == k) for k in TOPICS) for g in groups) / len(
        rows
    )
    assert purity > 0.8
    assert all(g.terms for g in groups)


def test_clusters_of_tiny_and_empty_inputs():
    assert clustering.cluster([]) == []
    assert len(clustering.cluster(["Radweg", "Bäume"])) == 1


def test_keywords_and_summary():
    rows = ideas(10)
    texts = [f"{t}. {b}" for k, t, b in rows if k == "umwelt"]
    terms = summary.keywords(texts, background=[f"{t}. {b}" for _k, t, b in rows], top=5)
    assert set(terms) & {w.lower() for w in TOPICS["umwelt"]} | set(terms) & set(TOPICS["umwelt"])
    chosen = summary.summarize(texts, count=3)
    assert 1 <= len(chosen) <= 3
    assert all(c.text in texts[c.source] for c in chosen)
    assert summary.summarize(["und oder aber"]) == []


def _write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["kopf", "inhalt", *[f"ist_{k}" for k in TOPICS]])
        for topic, title, body in rows:
            writer.writerow([title, body, *[int(topic == k) for k in TOPICS]])


def test_evaluate_categories_on_a_file_it_has_never_seen(tmp_path):
    path = tmp_path / "neu.csv"
    _write_csv(path, ideas(20, seed=3))
    out = io.StringIO()
    labels = ",".join(f"ist_{k}" for k in TOPICS)
    call_command(
        "evaluate_categories",
        str(path),
        text="kopf,inhalt",
        labels=labels,
        train_share=0.3,
        seeds=2,
        baseline=True,
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("60 rows, 3 labels")
    assert "baseline" in lines[1]
    assert "suggestions" in lines[2]
    micro = float(lines[2].split("micro-F1 ")[1].split()[0])
    assert micro > 0.8


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"text": "kopf", "labels": "fehlt"}, "Columns not in the file: fehlt"),
        ({"text": "kopf", "labels": "ist_umwelt", "train_share": 1.5}, "--train-share"),
        ({"text": "kopf", "labels": "ist_umwelt", "seeds": 0}, "--seeds"),
    ],
)
def test_evaluate_categories_refuses_bad_input_clearly(tmp_path, arguments, message):
    path = tmp_path / "neu.csv"
    _write_csv(path, ideas(5))
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_categories", str(path), **arguments)


def test_evaluate_categories_refuses_labels_that_are_not_zero_or_one(tmp_path):
    path = tmp_path / "kaputt.csv"
    path.write_text(
        "text,a\n" + "".join(f"Idee {i},{'ja' if i == 3 else 1}\n" for i in range(12)), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="Line 5: label columns must hold 0 or 1"):
        call_command("evaluate_categories", str(path), text="text", labels="a")
    with pytest.raises(CommandError, match="No such file"):
        call_command("evaluate_categories", str(tmp_path / "fehlt.csv"), text="text", labels="a")


def test_evaluate_duplicates_prints_precision_and_recall(tmp_path):
    path = tmp_path / "ideen.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["title", "text", "dataset"])
        for topic, title, body in ideas(15):
            writer.writerow([title, body, topic])
    out = io.StringIO()
    call_command("evaluate_duplicates", str(path), variants=20, stdout=out)
    text = out.getvalue()
    assert "20 re-posts hidden" in text
    recall = float(text.split("recall ")[1].split()[0])
    assert recall >= 0.9
