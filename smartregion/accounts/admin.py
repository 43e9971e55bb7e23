"""Admin for people and their roles; role changes go through services so they are audited."""

from typing import Any

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin

from . import services
from .models import AccountEvent, RoleGrant, User


def changeable_accounts(request: HttpRequest) -> QuerySet[User]:
    """The accounts the signed-in person may change (accounts.predicates.may_change_account, as a query)."""
    users = User.objects.all()
    return users if request.user.is_superuser else users.filter(is_superuser=False)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    fields = ("role", "municipality", "granted_at")
    readonly_fields = ("granted_at",)
    autocomplete_fields = ("municipality",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A grant is added or revoked, never edited, so the audit trail reads as grant/revoke pairs.
        return False

    # ``obj`` is the person the grants belong to: nobody changes the roles of an account above their own.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("accounts.add_rolegrant", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("accounts.delete_rolegrant", obj)


@admin.register(User)
class UserAdmin(ObjectPermissionsModelAdminMixin, DjangoUserAdmin):
    """People; the change and delete permissions (and with them the password form) ask about the person."""

    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "date_joined", "last_login")
    list_filter = ("is_active", "roles__role", "home_municipality")
    search_fields = ("email", "display_name")
    readonly_fields = ("date_joined", "last_login", "anonymised_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "home_municipality", "age_group")}),
        (
            _("Status"),
            {"fields": ("is_active", "is_superuser", "date_joined", "last_login", "anonymised_at")},
        ),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ()
    inlines = [RoleGrantInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """Only a superuser makes superusers: the program office holds its rights through a role, and a
        superuser would bypass every rule, the audit trail's write protection included."""
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else (*fields, "is_superuser")

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        grants = formset.save(commit=False)
        for grant in formset.deleted_objects:
            services.role_revoke(actor=request.user, grant=grant)  # type: ignore[arg-type]
        for grant in grants:
            services.role_grant(
                actor=request.user,  # type: ignore[arg-type]
                user=form.instance,
                role=grant.role,
                municipality=grant.municipality,
            )


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "user", "actor")
    list_filter = ("kind",)
    list_select_related = ("user", "actor")
    readonly_fields = ("created_at", "kind", "user", "actor", "data")

    # The audit trail is append-only. The rules grant nothing but "view", yet superusers hold every
    # permission (User.has_perm), so the admin itself must refuse to write.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# allauth's own admins, with object permissions: an e-mail address or a second factor belongs to an account,
# and changing it (or giving an account a new address to reset its password with) changes that account.
admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(EmailAddress)
class EmailAddressAdmin(ObjectPermissionsModelAdminMixin, AllauthEmailAddressAdmin):
    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = changeable_accounts(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def make_verified(self, request: HttpRequest, queryset: QuerySet[EmailAddress]) -> None:
        super().make_verified(request, queryset.filter(user__in=changeable_accounts(request)))

    make_verified.short_description = AllauthEmailAddressAdmin.make_verified.short_description  # type: ignore[attr-defined]


@admin.register(Authenticator)
class AuthenticatorAdmin(ObjectPermissionsModelAdminMixin, AllauthAuthenticatorAdmin):
    pass
