"""Admin for the region, municipalities, organizations and memberships (program office only)."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Membership, Municipality, Organization, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "program_name", "program_start", "program_end")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One region per installation.
        return not Region.objects.exists() and super().has_add_permission(request)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "population", "population_year", "official_key")
    list_filter = ("kind",)
    search_fields = ("name", "official_key")
    prepopulated_fields = {"slug": ("name",)}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality")
    list_filter = ("kind", "municipality")
    list_select_related = ("municipality",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "since", "until")
    list_filter = ("role", "organization__kind")
    list_select_related = ("user", "organization")
    search_fields = ("user__email", "user__display_name", "organization__name")
    autocomplete_fields = ("user", "organization")
