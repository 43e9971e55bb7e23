"""``manage.py recount_survey_answers``: rebuild the answer counters of the surveys from their answers."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from smartregion.surveys.models import Survey
from smartregion.surveys.services import answer_counts_rebuild


class Command(BaseCommand):
    help = "Recount the answer counters of every survey (or of one) from the stored answers, to repair them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", type=int, help="Only this survey (its number).")

    def handle(self, *args: Any, **options: Any) -> None:
        surveys = Survey.objects.order_by("pk")
        if options["survey"] is not None:
            surveys = surveys.filter(pk=options["survey"])
        for survey in surveys:
            rows = answer_counts_rebuild(survey=survey)
            self.stdout.write(f"{survey.pk} {survey.title}: {rows} counters")
        self.stdout.write(self.style.SUCCESS("Answer counters recounted."))
