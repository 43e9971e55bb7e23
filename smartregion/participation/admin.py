"""Admin for processes and phases; ideas and comments are moderated on the site, shown here read-only."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from smartregion.core.admin_site import FormFieldsOnlyAdmin
from smartregion.core.images import image_clean
from smartregion.core.markdown import render_markdown

from .models import (
    Comment,
    Idea,
    IdeaEvent,
    InboundMessage,
    ModerationEvent,
    ParticipationBlock,
    Phase,
    Process,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 1
    fields = ("kind", "title", "starts_at", "ends_at")


class ProcessAdminForm(forms.ModelForm):
    """A process's image is checked and re-encoded like an idea's: JPEG, PNG or WebP, without metadata,
    so that /media/ serves it with the type it was checked as. No Meta: the admin makes the form for the
    model with every field it offers, as without a form of its own."""

    def clean_image(self) -> Any:
        image: File | None = self.cleaned_data.get("image")
        return image_clean(image) if isinstance(image, UploadedFile) else image


@admin.register(Process)
class ProcessAdmin(FormFieldsOnlyAdmin):
    form = ProcessAdminForm
    derived_fields = ("body_html",)
    list_display = ("title", "visibility", "idea_count", "created_at")
    list_filter = ("visibility",)
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("domains", "municipalities")
    inlines = [PhaseInline]
    readonly_fields = ("idea_count",)

    def save_model(self, request: HttpRequest, obj: Process, form: Any, change: bool) -> None:
        obj.body_html = render_markdown(obj.body)
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference; changes happen through the site's services so they are audited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = ("title", "process", "status", "channel", "support_count", "comment_count", "published_at")
    list_filter = ("status", "channel", "process")
    list_select_related = ("process",)
    search_fields = ("title",)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("id", "idea", "created_at", "is_deleted", "is_hidden", "is_highlighted")
    list_select_related = ("idea",)


@admin.register(IdeaEvent)
class IdeaEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "idea", "kind", "from_status", "to_status", "actor")
    list_select_related = ("idea", "actor")


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "reason")
    list_select_related = ("actor",)


@admin.register(ParticipationBlock)
class ParticipationBlockAdmin(ReadOnlyAdmin):
    list_display = ("user", "reason", "until", "created_at")
    list_select_related = ("user",)


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    """What became of each e-mail to the idea mailbox: the idea it became, or why it was refused."""

    list_display = ("received_at", "message_id", "sender", "idea", "refusal")
    list_select_related = ("idea",)
    search_fields = ("message_id", "sender")
