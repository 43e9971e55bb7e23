"""The admin site of the program office: access by role, sign-in through the regular login (with MFA)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class SmartRegionAdminSite(admin.AdminSite):
    """Admin for the program office; asks the ``accounts.access_admin`` rule instead of ``is_staff``."""

    site_header = _("SmartRegion administration")
    site_title = _("SmartRegion")
    index_title = _("Program office")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.has_perm("accounts.access_admin"))

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # One login for everybody, so second factors and rate limits apply to the admin too.
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated:
            # The regular login sends a signed-in person straight back to ``next``, which would bring
            # someone without the role back here in an endless redirect loop: refuse instead.
            if not self.has_permission(request):
                raise PermissionDenied
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = reverse("admin:index")
            return HttpResponseRedirect(next_url)
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


class FormFieldsOnlyAdmin(admin.ModelAdmin):
    """Saves a changed row with the fields its form edits (plus ``derived_fields``, computed from them in
    ``save_model``), never the whole row: counts, sums and statuses the services keep (shown read-only)
    would otherwise be written back as they were read, undoing a booking or registration made meanwhile."""

    derived_fields: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        concrete = {field.name: field for field in obj._meta.concrete_fields if not field.primary_key}
        edited = [name for name in form.fields if name in concrete]
        stamped = [name for name, field in concrete.items() if getattr(field, "auto_now", False)]
        obj.save(update_fields=[*edited, *self.derived_fields, *stamped])


class SmartRegionAdminConfig(AdminConfig):
    """Installs SmartRegionAdminSite as the default admin site."""

    default_site = "smartregion.core.admin_site.SmartRegionAdminSite"
