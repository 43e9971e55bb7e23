"""``manage.py backup``: the database and the uploaded files in one archive, while the site runs."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from smartregion.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one tar archive with the database (PostgreSQL: pg_dump; SQLite: its online backup API) and "
        "the media files, with a manifest of SHA-256 checksums. Safe while the site runs. Run it daily "
        "from a systemd timer; 'manage.py restore ARCHIVE' brings it back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="the archive to write (default: var/backups/smartregion-<date>-<time>.tar)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="afterwards, delete all but the newest N archives in the output's folder (0: keep all)",
        )

    def handle(self, *args: Any, output: Path | None, keep: int, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = output or Path(settings.VAR_DIR) / "backups" / f"smartregion-{stamp}.tar"
        try:
            manifest = backup_create(target=target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = sum(entry["size"] for entry in manifest.files.values())
        self.stdout.write(
            f"wrote {target}: {manifest.vendor} database and {len(manifest.files) - 1} media files, "
            f"{size / 1e6:.1f} MB"
        )
        if keep > 0:
            archives = sorted(target.parent.glob("smartregion-*.tar"), key=lambda path: path.stat().st_mtime)
            for old in archives[:-keep]:
                old.unlink()
                self.stdout.write(f"deleted {old}")
