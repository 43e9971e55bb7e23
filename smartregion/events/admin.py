"""Admin for events; registrations, messages and the history are shown read-only (the site's services
change them, so that counts stay exact and every change is logged)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartregion.core.admin_site import FormFieldsOnlyAdmin
from smartregion.core.markdown import render_markdown

from .models import Event, EventLogEntry, EventMessage, MinutesAttachment, Registration


class AttachmentInline(admin.TabularInline):
    model = MinutesAttachment
    extra = 0
    fields = ("title", "file", "content_type", "size")
    readonly_fields = ("content_type", "size", "file")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Uploads go through the minutes page, which checks type and size.
        return False


@admin.register(Event)
class EventAdmin(FormFieldsOnlyAdmin):
    derived_fields = ("description_html", "minutes_html")
    list_display = (
        "title",
        "format",
        "status",
        "starts_at",
        "municipality",
        "capacity",
        "registered_count",
        "waiting_count",
    )
    list_filter = ("status", "format", "municipality")
    search_fields = ("title",)
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("organizers",)
    list_select_related = ("municipality",)
    inlines = [AttachmentInline]
    readonly_fields = ("registered_count", "waiting_count", "minutes_published_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Places are changed on the site (events.services.event_update), which refuses fewer places than
        # confirmed registrations and moves waiting people up when places are added.
        # Cancelling tells every registrant, which the organizers' page does (events.services.event_update).
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "capacity", "status") if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        obj.description_html = render_markdown(obj.description)
        obj.minutes_html = render_markdown(obj.minutes)
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference; changes happen through the site's services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("event", "name", "status", "position", "created_at", "attended")
    list_filter = ("status",)
    list_select_related = ("event",)
    search_fields = ("event__title", "name", "email")


@admin.register(EventMessage)
class EventMessageAdmin(ReadOnlyAdmin):
    list_display = ("subject", "event", "created_at", "sent_at", "recipient_count")
    list_select_related = ("event",)


@admin.register(EventLogEntry)
class EventLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event", "kind", "actor")
    list_filter = ("kind",)
    list_select_related = ("event", "actor")
