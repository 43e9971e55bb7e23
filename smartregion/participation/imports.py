"""Bulk import of ideas from a CSV or JSON file: paper forms typed up, past events, other platforms.

Imported ideas are assisted ideas: published at once, on a channel other than online, attributed to
the file ("imported from ideas.csv"), never to a person. For speed the rows are written with bulk
inserts instead of one idea_record_assisted call each, so this module keeps the same invariants
itself: body_html and search_text derived as by the services, at least one domain per idea, an
AssistedContribution and the SUBMITTED and STATUS_CHANGED events per idea, and the process's
idea_count raised once by the number imported. Followers are not notified: thousands of "new idea"
notifications from one import would bury everything else.

An external id (a column of the file) makes the import idempotent per process: it is kept in the
SUBMITTED event's data, and ids already there are skipped. Imports into one process are serialised
by locking the process row, so two runs of the same file cannot both insert.
"""

import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smartregion.core.markdown import render_markdown
from smartregion.core.signals import rows_written
from smartregion.core.text import german_stems
from smartregion.network.models import Municipality
from smartregion.strategy.models import Domain

from .intake import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, title_from_text
from .models import AssistedContribution, Channel, Idea, IdeaEvent, IdeaStatus, Process

FIELDS = ("title", "body", "external_id", "municipality")
# Columns tried, in order, for a field the --map option does not name.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "titel"),
    "body": ("body", "text", "beschreibung", "description"),
    "external_id": ("external_id", "id"),
    "municipality": ("municipality", "kommune", "gemeinde"),
}
BATCH_SIZE = 500
ATTRIBUTION_MAX_LENGTH = 200  # AssistedContribution.public_attribution


class ImportFileError(Exception):
    """The file cannot be read as a whole (format, encoding, columns); no row was imported."""


@dataclass(frozen=True)
class SourceRow:
    """One record of the file, with where it starts (a CSV line, or the item number in a JSON list)."""

    line: int
    values: dict[str, str]


@dataclass
class ImportReport:
    """What an import did; ``refused`` holds (line, reason) pairs."""

    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False


def parse_mapping(text: str) -> dict[str, str]:
    """Parse "title=col,body=col" into {field: column}; raises ImportFileError for unknown fields."""
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, column = item.partition("=")
        if not sep or name.strip() not in FIELDS or not column.strip():
            raise ImportFileError(
                f"Bad --map entry {item!r}: use field=column with a field of {', '.join(FIELDS)}."
            )
        mapping[name.strip()] = column.strip()
    return mapping


def _csv_rows(path: Path) -> tuple[list[str], Iterator[SourceRow]]:
    text = path.read_text(encoding="utf-8-sig")
    # Spreadsheets in German locales export with semicolons. Only the delimiter is guessed, from the
    # header line: csv.Sniffer also guesses quoting and gets doubled quotes ("") in texts wrong.
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    fieldnames = list(reader.fieldnames or [])

    def rows() -> Iterator[SourceRow]:
        start = reader.line_num + 1
        for record in reader:
            # A quoted field may span lines: the record starts after the previous one ended.
            yield SourceRow(line=start, values={k: (v or "") for k, v in record.items() if k is not None})
            start = reader.line_num + 1

    return fieldnames, rows()


def _json_rows(path: Path) -> tuple[list[str], Iterator[SourceRow]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise ImportFileError(f"{path.name} is not valid JSON: {error}") from error
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ImportFileError(f"{path.name} must hold a JSON list of objects.")
    fieldnames = list(dict.fromkeys(key for item in data for key in item))
    rows = (
        SourceRow(line=number, values={str(k): "" if v is None else str(v) for k, v in item.items()})
        for number, item in enumerate(data, start=1)
    )
    return fieldnames, rows


def read_source(path: Path, mapping: dict[str, str]) -> tuple[dict[str, str], list[SourceRow]]:
    """The file's records and which column feeds which field; raises ImportFileError."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ImportFileError(f"{path.name}: only .csv and .json files can be imported.")
    try:
        fieldnames, rows = _csv_rows(path) if suffix == ".csv" else _json_rows(path)
        records = list(rows)
    except UnicodeDecodeError as error:
        raise ImportFileError(f"{path.name} is not UTF-8 encoded: {error}") from error
    except csv.Error as error:
        raise ImportFileError(f"{path.name} is not valid CSV: {error}") from error
    missing = [column for column in mapping.values() if column not in fieldnames]
    if missing:
        raise ImportFileError(
            f"{path.name} has no column {', '.join(missing)} (columns: {', '.join(fieldnames)})."
        )
    columns = dict(mapping)
    for name in FIELDS:
        if name not in columns:
            found = next((column for column in DEFAULT_COLUMNS[name] if column in fieldnames), None)
            if found:
                columns[name] = found
    if "title" not in columns and "body" not in columns:
        raise ImportFileError(f"{path.name} has no title and no text column; name them with --map.")
    return columns, records


def _municipality_index() -> dict[str, Municipality]:
    index: dict[str, Municipality] = {}
    for municipality in Municipality.objects.all():
        index[municipality.name.casefold()] = municipality
        index[municipality.slug.casefold()] = municipality
    return index


def _imported_external_ids(process: Process) -> set[str]:
    values = IdeaEvent.objects.filter(
        idea__process=process, kind=IdeaEvent.Kind.SUBMITTED, data__has_key="external_id"
    ).values_list("data__external_id", flat=True)
    return {str(value) for value in values}


# The same tokens as core.text.german_stems finds; test_import checks the result equals search_document.
_WORD = re.compile(r"\w+", re.UNICODE)


class _SearchDocuments:
    """core.text.search_document with each distinct word stemmed once per import.

    Stemming is pure Python and takes most of an import's time; across thousands of texts the same
    words recur, so remembering their stems makes the 4,711 CIMT rows several times faster.
    """

    def __init__(self) -> None:
        self._stems: dict[str, str] = {}

    def _stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = german_stems(word)[0]
        return stem

    def __call__(self, *parts: str) -> str:
        stems = dict.fromkeys(self._stem(word) for part in parts for word in _WORD.findall(part))
        return f" {' '.join(stems)} "


@dataclass
class _Prepared:
    idea: Idea
    line: int
    external_id: str


def _prepare(
    rows: Sequence[SourceRow],
    *,
    columns: dict[str, str],
    process: Process,
    channel: str,
    known_ids: set[str],
    report: ImportReport,
    progress: Callable[[int, int], None] | None,
) -> list[_Prepared]:
    """Validate every row; refused ones go into the report with their line, the good ones become ideas."""
    municipalities = _municipality_index() if "municipality" in columns else {}
    seen: dict[str, int] = {}
    prepared: list[_Prepared] = []
    search_document = _SearchDocuments()
    now = timezone.now()
    for done, row in enumerate(rows, start=1):
        if progress is not None:
            progress(done, len(rows))

        title, body, external_id, place = (
            row.values.get(columns[name], "").strip() if name in columns else "" for name in FIELDS
        )
        if not title and not body:
            report.refused.append((row.line, "neither a title nor a text"))
            continue
        if len(body) > BODY_MAX_LENGTH:
            report.refused.append(
                (row.line, f"the text has {len(body)} characters, more than {BODY_MAX_LENGTH}")
            )
            continue
        municipality = None
        if place:
            municipality = municipalities.get(place.casefold())
            if municipality is None:
                report.refused.append((row.line, f"unknown municipality {place!r}"))
                continue
        if external_id:
            if external_id in seen:
                report.refused.append(
                    (row.line, f"external id {external_id!r} repeats line {seen[external_id]}")
                )
                continue
            seen[external_id] = row.line
            if external_id in known_ids:
                report.already_imported += 1
                continue
        title = title_from_text(title, max_length=TITLE_MAX_LENGTH) if title else title_from_text(body)
        body = body or title
        idea = Idea(
            process=process,
            title=title,
            body=body,
            body_html=render_markdown(body),
            search_text=search_document(title, body),
            municipality=municipality,
            channel=channel,
            status=IdeaStatus.PUBLISHED,
            published_at=now,
            author=None,
        )
        prepared.append(_Prepared(idea=idea, line=row.line, external_id=external_id))
    return prepared


def _write(
    prepared: list[_Prepared], *, process: Process, domains: Sequence[Domain], attribution: str
) -> None:
    ideas = Idea.objects.bulk_create([item.idea for item in prepared], batch_size=BATCH_SIZE)
    through = Idea.domains.through
    through.objects.bulk_create(
        [through(idea_id=idea.pk, domain_id=domain.pk) for idea in ideas for domain in domains],
        batch_size=BATCH_SIZE * 2,
    )
    AssistedContribution.objects.bulk_create(
        [AssistedContribution(idea=idea, public_attribution=attribution) for idea in ideas],
        batch_size=BATCH_SIZE,
    )
    events: list[IdeaEvent] = []
    for item in prepared:
        data: dict[str, Any] = {"import": attribution, "line": item.line}
        if item.external_id:
            data["external_id"] = item.external_id
        events.append(
            IdeaEvent(
                idea=item.idea, kind=IdeaEvent.Kind.SUBMITTED, to_status=IdeaStatus.SUBMITTED, data=data
            )
        )
        events.append(
            IdeaEvent(
                idea=item.idea,
                kind=IdeaEvent.Kind.STATUS_CHANGED,
                from_status=IdeaStatus.SUBMITTED,
                to_status=IdeaStatus.PUBLISHED,
            )
        )
    IdeaEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    Process.objects.filter(pk=process.pk).update(idea_count=F("idea_count") + len(ideas))
    # bulk_create sends no post_save: tell the search index (insights) which ideas arrived.
    rows_written.send(sender=Idea, ids=[idea.pk for idea in ideas])


def ideas_import(
    *,
    process: Process,
    path: Path,
    domains: Sequence[Domain],
    channel: str = Channel.LETTER,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the good rows of a CSV or JSON file as published ideas; bad rows are reported, not fatal.

    Raises ImportFileError when the file as a whole cannot be used, and ValueError for a wrong channel
    or no domain; nothing is written then, nor with ``dry_run``.
    """
    started = time.perf_counter()
    if channel == Channel.ONLINE or channel not in Channel.values:
        raise ValueError(
            f"channel must be one of {', '.join(c for c in Channel.values if c != Channel.ONLINE)}"
        )
    if not domains:
        raise ValueError("an imported idea needs at least one domain of life")
    columns, rows = read_source(path, mapping or {})
    with translation.override(settings.LANGUAGE_CODE):
        attribution = (_("imported from %(file)s") % {"file": path.name})[:ATTRIBUTION_MAX_LENGTH]
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    with transaction.atomic():
        if not dry_run:
            # One import per process at a time: the check for known external ids below stays true
            # until this transaction has inserted its rows.
            Process.objects.select_for_update().filter(pk=process.pk).first()
        known_ids = _imported_external_ids(process) if "external_id" in columns else set()
        prepared = _prepare(
            rows,
            columns=columns,
            process=process,
            channel=channel,
            known_ids=known_ids,
            report=report,
            progress=progress,
        )
        if not dry_run and prepared:
            _write(prepared, process=process, domains=domains, attribution=attribution)
    report.imported = len(prepared)
    report.seconds = time.perf_counter() - started
    return report
