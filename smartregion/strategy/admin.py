"""Admin for the strategy tree. Measures' status, progress, money and links change on the measure page,
through the services, so that every change lands in the audit history; here they are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartregion.core.admin_site import FormFieldsOnlyAdmin
from smartregion.core.markdown import render_markdown

from .models import (
    AssessmentRound,
    Criterion,
    Domain,
    Goal,
    Measure,
    MeasureEvent,
    Strategy,
    StrategyVersion,
)


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "position")
    prepopulated_fields = {"slug": ("name",)}


class StrategyInline(admin.TabularInline):
    model = Strategy
    extra = 1
    fields = ("title", "slug", "position")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("title", "is_published", "position")
    list_filter = ("is_published",)
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("domains",)
    # Ids, not a list of every idea of the region.
    raw_id_fields = ("ideas",)
    inlines = [StrategyInline]


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("title", "goal", "position")
    list_filter = ("goal",)
    prepopulated_fields = {"slug": ("title",)}


class MeasureEventInline(admin.TabularInline):
    model = MeasureEvent
    extra = 0
    fields = ("created_at", "actor", "kind", "reason", "data")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Measure)
class MeasureAdmin(FormFieldsOnlyAdmin):
    derived_fields = ("body_html",)
    list_display = ("title", "strategy", "status", "progress", "budget_planned", "is_published")
    list_filter = ("status", "is_published", "strategy__goal", "domains")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("domains", "municipalities")
    readonly_fields = (
        "status",
        "progress",
        "progress_reason",
        "budget_planned",
        "budget_committed",
        "budget_spent",
        "milestone_count",
        "milestone_done_count",
        "idea_count",
    )
    inlines = [MeasureEventInline]

    def save_model(self, request: HttpRequest, obj: Measure, form: Any, change: bool) -> None:
        obj.body_html = render_markdown(obj.body)
        super().save_model(request, obj, form, change)


@admin.register(StrategyVersion)
class StrategyVersionAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "decided_by", "decided_on", "decision_reference")
    list_filter = ("status",)

    def save_model(self, request: HttpRequest, obj: StrategyVersion, form: Any, change: bool) -> None:
        obj.changes_html = render_markdown(obj.changes)
        super().save_model(request, obj, form, change)


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "weight", "position", "is_active")
    list_filter = ("is_active",)
    list_editable = ("weight", "position", "is_active")


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(admin.ModelAdmin):
    """The office sets up rounds here; the board scores and the office publishes on the round's page."""

    list_display = ("title", "opens_on", "closes_on", "results_published_at")
    search_fields = ("title",)
    filter_horizontal = ("ideas", "measures")
    # Publishing goes through assessment.results_publish, which records who published.
    readonly_fields = ("results_published_at", "results_published_by")
