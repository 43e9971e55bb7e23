"""Load the MYK demo data set: region, municipalities, organizations, personas, expert board, domains of
life, and the demo participation processes with ideas."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartregion.accounts import demo as accounts_demo
from smartregion.insights.index import index_rebuild
from smartregion.web.demo import seed_all


class Command(BaseCommand):
    help = "Load the MYK10 demo data (idempotent). Runs only with the dev settings (DEMO_MODE) or --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even outside the dev settings.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when a region exists already (for `make run`).",
        )

    def handle(self, *args: Any, force: bool, if_empty: bool, **options: Any) -> None:
        if not settings.DEMO_MODE and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password; outside the dev settings "
                "(DEMO_MODE) it needs --force."
            )
        from smartregion.network.models import Region

        if if_empty and Region.objects.exists():
            self.stdout.write("Demo data present, nothing to do.")
            return
        demo = seed_all()
        # The saves queued their own index updates; rebuilding here leaves the index complete when the
        # command ends, whether or not a task worker runs.
        index_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(demo.municipalities)} municipalities, {len(demo.people)} personas "
                f"(password: {accounts_demo.DEMO_PASSWORD})."
            )
        )
