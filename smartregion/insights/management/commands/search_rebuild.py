"""``manage.py search_rebuild``: index every idea, comment, measure and event from scratch."""

from typing import Any

from django.core.management.base import BaseCommand

from smartregion.insights.index import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the content (after a restore, or to repair it)."

    def handle(self, *args: Any, **options: Any) -> None:
        written = index_rebuild()
        summary = ", ".join(f"{count} {kind}" for kind, count in written.items())
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {summary}."))
