"""Import ideas from a CSV or JSON file into a participation process, as published assisted ideas."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartregion.participation.imports import (
    FIELDS,
    ImportFileError,
    ImportReport,
    ideas_import,
    parse_mapping,
)
from smartregion.participation.models import Channel, Process
from smartregion.strategy.models import Domain

PROGRESS_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import ideas from a .csv (comma, semicolon or tab separated, UTF-8) or .json file (a list of "
        "objects). Each good row becomes a published idea on the given channel, shown as 'imported from "
        "<file>'; bad rows (no title and no text, text over 10,000 characters, unknown municipality, "
        "repeated external id) are reported with their line and left out. Rows whose external id was "
        "imported into the process before are skipped, so the same file can be imported again. "
        f"Fields: {', '.join(FIELDS)}; columns named like them are found without --map."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .csv or .json file")
        parser.add_argument("--process", required=True, help="slug of the participation process")
        parser.add_argument(
            "--map",
            default="",
            help="which column feeds which field, e.g. title=Titel,body=text,external_id=document_id",
        )
        parser.add_argument(
            "--channel",
            default=Channel.LETTER,
            choices=[value for value in Channel.values if value != Channel.ONLINE],
            help="how the ideas reached the program (default: letter)",
        )
        parser.add_argument(
            "--domain", default="", help="slug of the domain of life (default: the process's first domain)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            process = Process.objects.get(slug=options["process"])
        except Process.DoesNotExist as error:
            raise CommandError(f"No participation process with the slug {options['process']!r}.") from error
        domains = self._domains(process, options["domain"])
        try:
            report = ideas_import(
                process=process,
                path=path,
                domains=domains,
                channel=options["channel"],
                mapping=parse_mapping(options["map"]),
                dry_run=options["dry_run"],
                progress=self._progress,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self._print(report)

    def _domains(self, process: Process, slug: str) -> list[Domain]:
        if slug:
            try:
                return [Domain.objects.get(slug=slug)]
            except Domain.DoesNotExist as error:
                raise CommandError(f"No domain of life with the slug {slug!r}.") from error
        first = process.domains.order_by("position", "name").first()
        if first is None:
            raise CommandError("The process has no domain of life: name one with --domain.")
        return [first]

    def _progress(self, done: int, total: int) -> None:
        """A bar on stderr: redrawn in place on a terminal, a line per tenth otherwise (logs)."""
        interactive = self.stderr.isatty()
        step = max(total // 10, 1)
        if done != total and (done % (max(total // 200, 1) if interactive else step)):
            return
        filled = PROGRESS_WIDTH * done // max(total, 1)
        bar = f"[{'#' * filled}{'.' * (PROGRESS_WIDTH - filled)}] {done}/{total} rows checked"
        if interactive:
            self.stderr.write(f"\r{bar}", ending="\n" if done == total else "")
            self.stderr.flush()
        else:
            self.stderr.write(bar)

    def _print(self, report: ImportReport) -> None:
        for line, reason in report.refused:
            self.stdout.write(f"  line {line}: refused, {reason}")
        verb = "would import" if report.dry_run else "imported"
        self.stdout.write(
            f"{report.rows} rows: {verb} {report.imported}, skipped {report.already_imported} already "
            f"imported, refused {len(report.refused)}"
            + (" (dry run: nothing was written)" if report.dry_run else "")
        )
        self.stdout.write(f"took {report.seconds:.1f} s")
