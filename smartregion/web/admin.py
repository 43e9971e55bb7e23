from django.contrib import admin

from .models import AccessibilityFeedback


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "page_url", "handled")
    list_filter = ("handled",)
    readonly_fields = ("created_at", "name", "email", "page_url", "message")
    fields = ("created_at", "name", "email", "page_url", "message", "handled")
