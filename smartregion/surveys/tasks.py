"""Background work of surveys: the XLSX import of paper questionnaires."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from .imports import responses_import
from .models import ImportRun


@task()
def import_responses(*, run_id: int) -> str:
    """Run an import (idempotent: a finished run is left as it is)."""
    run = ImportRun.objects.get(pk=run_id)
    if run.finished:
        return run.status
    with translation.override(settings.LANGUAGE_CODE):
        return responses_import(run).status
