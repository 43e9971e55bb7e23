"""Admin for the strategy tree. Measures' status, progress, money and links change on the measure page,
through the services, so that every change lands in the audit history; here they are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartregion.core.markdown import render_markdown

from .models import Domain, Goal, Measure, MeasureEvent, Strategy


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
    list_display = ("title", "position")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("domains",)
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
class MeasureAdmin(admin.ModelAdmin):
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
