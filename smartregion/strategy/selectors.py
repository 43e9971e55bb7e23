"""Reads for the strategy."""

from django.db.models import QuerySet

from .models import Domain


def domain_list() -> QuerySet[Domain]:
    """All domains of life in their configured order."""
    return Domain.objects.order_by("position", "name")
