"""``manage.py restore ARCHIVE``: bring back what ``manage.py backup`` wrote."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartregion.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore the database and the media files from an archive written by 'manage.py backup'. Checks "
        "every checksum first and refuses a damaged archive; refuses a database that already has tables "
        "unless --replace is given. Stop the app server and the task worker before, start them after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the archive written by manage.py backup")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite a database that is not empty (everything in it is lost)",
        )

    def handle(self, *args: Any, archive: Path, replace: bool, **options: Any) -> None:
        try:
            manifest = backup_restore(archive_path=archive, replace=replace)
        except BackupError as error:
            raise CommandError(f"Restore stopped: {error}") from error
        self.stdout.write(
            f"restored the {manifest.vendor} database and {len(manifest.files) - 1} media files "
            f"from the backup of {manifest.created}"
        )
