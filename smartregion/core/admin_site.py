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


class SmartRegionAdminConfig(AdminConfig):
    """Installs SmartRegionAdminSite as the default admin site."""

    default_site = "smartregion.core.admin_site.SmartRegionAdminSite"
