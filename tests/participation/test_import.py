"""Importing ideas from CSV and JSON files: good rows in, bad rows reported with their line, invariants kept.

The large test imports the 4,711 real contributions of the CIMT corpus from /work/shared/data (read
from there, never copied into the repository); it skips with a reason where that folder is absent.
"""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils.translation import gettext

from smartregion.core.markdown import render_markdown
from smartregion.core.text import search_document
from smartregion.participation.imports import ideas_import
from smartregion.participation.intake import title_from_text
from smartregion.participation.models import (
    AssistedContribution,
    Channel,
    Idea,
    IdeaEvent,
    IdeaStatus,
    Process,
)

from .staff_support import make_domain, make_idea, make_process

CIMT = Path("/work/shared/data/cimt_proposals_de.csv")
CIMT_ROWS = 4711


@pytest.fixture
def process(db):
    return make_process(
        "import", domains=[make_domain("mobilitaet", "Mobilität", 1), make_domain("umwelt", "Umwelt", 2)]
    )


def _import(process, path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ideas", str(path), "--process", process.slug, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _assert_invariants(process: Process, expected: int, *, previously: int = 0, stem_every: int = 1) -> None:
    """What idea_record_assisted guarantees per idea, checked for every imported one.

    Stemming is slow in pure Python; ``stem_every`` checks search_text on every n-th idea only.
    """
    ideas = Idea.objects.filter(process=process, assisted__isnull=False).annotate(n_domains=Count("domains"))
    assert ideas.count() == expected
    for number, idea in enumerate(ideas.order_by("pk")):
        assert idea.status == IdeaStatus.PUBLISHED
        assert idea.published_at is not None
        assert idea.author is None
        assert idea.title.strip()
        assert idea.body.strip()
        assert len(idea.title) <= 150
        assert idea.body_html == render_markdown(idea.body)
        if number % stem_every == 0:
            assert idea.search_text == search_document(idea.title, idea.body)
        assert idea.n_domains >= 1
    process.refresh_from_db()
    assert process.idea_count == previously + expected
    assert IdeaEvent.objects.filter(idea__process=process, kind=IdeaEvent.Kind.SUBMITTED).count() == expected
    changed = IdeaEvent.objects.filter(
        idea__process=process, kind=IdeaEvent.Kind.STATUS_CHANGED, to_status=IdeaStatus.PUBLISHED
    )
    assert changed.count() == expected


def _csv(tmp_path: Path, text: str, name: str = "ideen.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_are_imported_and_bad_rows_reported_with_their_line(process, tmp_path, municipality):
    long_text = "x" * 10001
    path = _csv(
        tmp_path,
        "id,title,text,municipality\n"
        '1,Radweg B9,"Ein Radweg\nüber zwei Zeilen",Andernach\n'  # lines 2-3
        "2,,,\n"  # line 4: nothing
        f"3,Zu lang,{long_text},\n"  # line 5
        "4,Bank,Eine Bank,Atlantis\n"  # line 6: unknown municipality
        "5,,Ohne Titel: mehr Bäume an der Schule in Mendig und schattige Plätze für die Pause,andernach\n"
        "6,Nur ein Titel,,\n",
    )

    output, progress = _import(process, path, "--channel", "event", "--map", "body=text")

    assert output.splitlines()[:3] == [
        "  line 4: refused, neither a title nor a text",
        "  line 5: refused, the text has 10001 characters, more than 10000",
        "  line 6: refused, unknown municipality 'Atlantis'",
    ]
    assert "6 rows: imported 3, skipped 0 already imported, refused 3" in output
    assert "took" in output
    assert "6/6 rows checked" in progress
    _assert_invariants(process, 3)
    by_id = {
        event.data["external_id"]: event.idea
        for event in IdeaEvent.objects.filter(kind=IdeaEvent.Kind.SUBMITTED).select_related("idea")
    }
    assert by_id["1"].body == "Ein Radweg\nüber zwei Zeilen"
    assert by_id["1"].municipality == municipality
    assert by_id["1"].channel == Channel.EVENT
    assert by_id["5"].title == "Ohne Titel: mehr Bäume an der Schule in Mendig und schattige Plätze für die…"
    assert by_id["5"].municipality == municipality  # by slug, case-insensitive
    assert by_id["6"].body == "Nur ein Titel"
    # In the site's language: "importiert aus ideen.csv" once the German catalogue has it.
    expected = gettext("imported from %(file)s") % {"file": "ideen.csv"}
    assert {a.public_attribution for a in AssistedContribution.objects.all()} == {expected}


def test_importing_the_same_file_again_skips_known_external_ids(process, tmp_path):
    path = _csv(tmp_path, "external_id,title,body\nA1,Eins,Text eins\nA2,Zwei,Text zwei\n")
    _import(process, path)
    path.write_text("external_id,title,body\nA1,Eins,Text eins\nA2,Zwei,Text zwei\nA3,Drei,Text drei\n")

    output, _progress = _import(process, path)

    assert "3 rows: imported 1, skipped 2 already imported, refused 0" in output
    _assert_invariants(process, 3)


def test_a_repeated_external_id_in_one_file_is_refused(process, tmp_path):
    path = _csv(tmp_path, "external_id,title,body\nA1,Eins,Text\nA1,Nochmal,Text\n")
    output, _progress = _import(process, path)
    assert "  line 3: refused, external id 'A1' repeats line 2" in output
    _assert_invariants(process, 1)


def test_json_files_and_column_mapping(process, tmp_path):
    path = tmp_path / "workshop.json"
    path.write_text(
        json.dumps(
            [
                {"Nr": 7, "Überschrift": "Carsharing in Polch", "Beschreibung": "Zwei Autos am Rathaus."},
                {"Nr": 8, "Überschrift": "", "Beschreibung": ""},
                {"Nr": 9, "Überschrift": "Ladesäulen", "Beschreibung": None},
            ]
        ),
        encoding="utf-8",
    )

    output, _progress = _import(
        process, path, "--map", "title=Überschrift,body=Beschreibung,external_id=Nr", "--domain", "umwelt"
    )

    assert "  line 2: refused, neither a title nor a text" in output
    assert "3 rows: imported 2, skipped 0 already imported, refused 1" in output
    _assert_invariants(process, 2)
    assert set(Idea.objects.values_list("domains__slug", flat=True)) == {"umwelt"}
    assert Idea.objects.get(title="Carsharing in Polch").channel == Channel.LETTER  # the default


def test_semicolon_separated_files_from_spreadsheets(process, tmp_path):
    path = _csv(tmp_path, "title;body\nBusse;Mehr Busse am Abend\n")
    output, _progress = _import(process, path)
    assert "imported 1" in output


def test_dry_run_checks_but_writes_nothing(process, tmp_path):
    path = _csv(tmp_path, "title,body\nEins,Text\n,\n")

    output, _progress = _import(process, path, "--dry-run")

    assert (
        "2 rows: would import 1, skipped 0 already imported, refused 1 (dry run: nothing was written)"
        in output
    )
    assert not Idea.objects.exists()
    assert Process.objects.get(pk=process.pk).idea_count == 0


def test_existing_ideas_are_counted_on(process, tmp_path):
    make_idea(process)
    _import(process, _csv(tmp_path, "title,body\nEins,Text\n"))
    assert Process.objects.get(pk=process.pk).idea_count == 2


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("title,body\nA,B\n", ["--map", "titel=x"], "Bad --map entry 'titel=x'"),
        ("title,body\nA,B\n", ["--map", "title=Titel"], "has no column Titel"),
        ("foo,bar\nA,B\n", [], "no title and no text column"),
        ("title,body\nA,B\n", ["--domain", "gibts-nicht"], "No domain of life with the slug"),
    ],
)
def test_unusable_files_and_options_are_refused_as_a_whole(process, tmp_path, content, args, message):
    with pytest.raises(CommandError, match=message):
        _import(process, _csv(tmp_path, content), *args)
    assert not Idea.objects.exists()


def test_other_file_types_and_broken_json_are_refused(process, tmp_path):
    (tmp_path / "ideen.xlsx").write_bytes(b"PK")
    (tmp_path / "kaputt.json").write_text("[{", encoding="utf-8")
    (tmp_path / "objekt.json").write_text('{"title": "x"}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"only \.csv and \.json"):
        _import(process, tmp_path / "ideen.xlsx")
    with pytest.raises(CommandError, match="not valid JSON"):
        _import(process, tmp_path / "kaputt.json")
    with pytest.raises(CommandError, match="list of objects"):
        _import(process, tmp_path / "objekt.json")
    with pytest.raises(CommandError, match="not a file"):
        _import(process, tmp_path / "fehlt.csv")


def test_a_process_without_domains_needs_the_domain_option(db, tmp_path):
    bare = make_process("ohne", domains=[])
    with pytest.raises(CommandError, match="--domain"):
        _import(bare, _csv(tmp_path, "title,body\nA,B\n"))


def test_online_is_not_an_import_channel(process, tmp_path):
    with pytest.raises(CommandError):
        _import(process, _csv(tmp_path, "title,body\nA,B\n"), "--channel", "online")
    with pytest.raises(ValueError, match="channel"):
        ideas_import(
            process=process, path=_csv(tmp_path, "title\nA\n"), domains=[make_domain()], channel="online"
        )


@pytest.mark.skipif(not CIMT.is_file(), reason=f"{CIMT} is absent (the shared data folder is not mounted)")
def test_the_cimt_corpus_is_imported_completely(process):
    with CIMT.open(encoding="utf-8", newline="") as handle:
        untitled = {
            row["document_id"]: row["text"] for row in csv.DictReader(handle) if not row["title"].strip()
        }

    output, _progress = _import(
        process, CIMT, "--map", "body=text,external_id=document_id", "--channel", "event"
    )

    summary = next(line for line in output.splitlines() if line.startswith(f"{CIMT_ROWS} rows:"))
    imported = int(summary.split("imported ")[1].split(",")[0])
    refused = int(summary.rsplit("refused ", 1)[1])
    assert imported + refused == CIMT_ROWS
    assert refused == sum(line.startswith("  line ") for line in output.splitlines())
    _assert_invariants(process, imported, stem_every=7)
    # The survey answers without a title take their first words as one.
    assert len(untitled) == 1386
    titles = dict(
        IdeaEvent.objects.filter(
            kind=IdeaEvent.Kind.SUBMITTED, data__external_id__in=list(untitled)
        ).values_list("data__external_id", "idea__title")
    )
    assert len(titles) == 1386
    mismatches = {
        key: (titles[key], text[:90])
        for key, text in untitled.items()
        if titles[key] != title_from_text(text)
    }
    assert not mismatches, list(mismatches.items())[:3]

    again, _progress = _import(process, CIMT, "--map", "body=text,external_id=document_id")
    assert f"imported 0, skipped {imported} already imported" in again
    assert Idea.objects.filter(process=process).count() == imported
