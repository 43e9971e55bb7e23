"""Turn e-mails to the program's idea mailbox (IMAP) or a folder of .eml files into queued ideas."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartregion.participation.intake import (
    ImapSource,
    IntakeReport,
    MailboxError,
    domains_for,
    folder_intake,
    imap_intake,
)
from smartregion.participation.models import Process
from smartregion.strategy.models import Domain


class Command(BaseCommand):
    help = (
        "Import e-mails as ideas awaiting moderation (channel e-mail, shown as 'submitted by e-mail'), "
        "from an IMAP folder (every message not handled before, read or not; imported ones are marked as "
        "seen, refused ones flagged) or from a folder of .eml files. A Message-ID is imported or refused "
        "once. Without --imap-url and --folder, the IDEA_MAIL_IMAP_URL setting is used. Exits with 1 when "
        "a message was refused or failed, or the mailbox could not be read. Run it periodically (cron, "
        "systemd timer) or enqueue the task participation.intake.idea_mails_fetch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--process", required=True, help="slug of the participation process")
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--imap-url",
            help="imaps://user:password@host[:port]/FOLDER (imap:// for STARTTLS); note that command lines "
            "are visible to other users of the machine: prefer the IDEA_MAIL_IMAP_URL setting",
        )
        source.add_argument("--folder", type=Path, help="a folder of .eml files")
        parser.add_argument(
            "--domain",
            default="",
            help="slug of the domain of life to file the ideas under (default: the process's first domain)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            process = Process.objects.get(slug=options["process"])
        except Process.DoesNotExist as error:
            raise CommandError(f"No participation process with the slug {options['process']!r}.") from error
        try:
            domains = domains_for(options["domain"])
        except Domain.DoesNotExist as error:
            raise CommandError(f"No domain of life with the slug {options['domain']!r}.") from error
        if domains is None and not process.domains.exists():
            raise CommandError("The process has no domain of life: name one with --domain.")

        folder: Path | None = options["folder"]
        try:
            if folder is not None:
                if not folder.is_dir():
                    raise CommandError(f"{folder} is not a folder.")
                report = folder_intake(process=process, folder=folder, domains=domains)
            else:
                url = options["imap_url"] or settings.IDEA_MAIL_IMAP_URL
                if not url:
                    raise CommandError("Give --imap-url or --folder, or set IDEA_MAIL_IMAP_URL.")
                report = imap_intake(process=process, source=ImapSource.from_url(url), domains=domains)
        except MailboxError as error:
            # What was imported before the connection broke stays imported: say so.
            if error.report is not None:
                self._print(error.report)
            raise CommandError(str(error)) from error
        self._print(report)
        if report.refused or report.failed:
            # A non-zero exit makes cron or the systemd timer tell the operator to look at the log.
            raise CommandError(
                f"{len(report.refused)} refused and {len(report.failed)} failed messages: see above."
            )

    def _print(self, report: IntakeReport) -> None:
        self.stdout.write(report.summary())
        for where, reason in report.refused:
            self.stdout.write(f"  refused {where}: {reason}")
        for where, reason in report.failed:
            self.stdout.write(f"  failed {where} (tried again next time): {reason}")
