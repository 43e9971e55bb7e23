"""Admin for the program's frame: phases, funding sources, responsible organizations, indicators.
Budget lines, expenses, milestones and indicator values are booked on the measure page, through the
services that keep the invariants and the audit history; here they are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartregion.core.admin_site import FormFieldsOnlyAdmin

from .models import (
    AgendaSnapshot,
    BudgetLine,
    Expense,
    FundCall,
    FundingCommitment,
    FundingSource,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    ProgramPhase,
    ProgramReminder,
    Responsibility,
    StaffEffort,
    StaffRole,
)


@admin.register(ProgramPhase)
class ProgramPhaseAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "starts_on", "ends_on")


@admin.register(FundingSource)
class FundingSourceAdmin(FormFieldsOnlyAdmin):
    list_display = ("name", "kind", "amount", "allocated", "max_rate", "emergency_rate", "budget_emergency")
    readonly_fields = ("allocated",)


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ("measure", "organization", "role")
    list_filter = ("role",)
    autocomplete_fields = ("organization",)


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "measure", "kind", "unit", "baseline", "baseline_on", "cadence", "target")
    list_filter = ("kind", "cadence")
    search_fields = ("name", "measure__title")
    inlines = (IndicatorTargetInline,)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ("measure", "source", "year", "planned", "committed", "spent", "eligible")
    list_filter = ("source", "year")


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyAdmin):
    list_display = ("budget_line", "kind", "amount", "booked_on", "document_reference")
    list_filter = ("kind",)


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("title", "measure", "due_on", "done_on")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "measured_on", "value", "source")


@admin.register(FundingCommitment)
class FundingCommitmentAdmin(admin.ModelAdmin):
    list_display = ("number", "phase", "source", "committed_on", "proof_submitted_on")


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("name", "hourly_rate", "is_active")


@admin.register(StaffEffort)
class StaffEffortAdmin(ReadOnlyAdmin):
    list_display = ("measure", "role", "month", "hours", "hourly_rate", "amount")
    list_filter = ("role",)


@admin.register(FundCall)
class FundCallAdmin(ReadOnlyAdmin):
    list_display = ("source", "called_on", "amount", "received_on", "received_amount")


@admin.register(ProgramReminder)
class ProgramReminderAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "user", "measure", "message")


@admin.register(AgendaSnapshot)
class AgendaSnapshotAdmin(ReadOnlyAdmin):
    """An agenda is frozen and adopted on its own pages (program.agenda_views), never edited here; a draft
    may be deleted, an adopted agenda not (the model refuses as well)."""

    list_display = ("title", "year", "status", "decided_on", "decision_reference")
    actions = None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is not None and not obj.is_adopted and request.user.has_perm("program.delete_agendasnapshot")
        )
