"""People who use the platform, their platform roles, and the account audit trail."""

from functools import cached_property
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartregion.core.models import AuditEvent


class EmailUserManager(UserManager["User"]):
    """Creates users identified by e-mail address; there is no username."""

    use_in_migrations = True

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self.model(email=self.normalize_email(email), **extra_fields)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class AgeGroup(models.TextChoices):
    """Coarse age bands, voluntary, used only for anonymous participation statistics."""

    UNDER_18 = "u18", _("under 18")
    FROM_18_TO_29 = "18-29", _("18 to 29")
    FROM_30_TO_44 = "30-44", _("30 to 44")
    FROM_45_TO_64 = "45-64", _("45 to 64")
    FROM_65 = "65+", _("65 and older")


class User(AbstractUser):
    """A person with an account; identified by e-mail, shown by display name."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown next to your contributions. You may use a pseudonym."),
    )
    home_municipality = models.ForeignKey(
        "network.Municipality",
        verbose_name=_("home municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Voluntary; used only for anonymous participation statistics."),
    )
    age_group = models.CharField(
        _("age group"),
        max_length=8,
        choices=AgeGroup.choices,
        blank=True,
        help_text=_("Voluntary; used only for anonymous participation statistics."),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name others see; never the e-mail address."""
        if self.anonymised_at:
            return str(_("Deleted account"))
        return self.display_name or str(_("Participant #%(id)s") % {"id": self.pk})

    @cached_property
    def role_grants(self) -> frozenset[tuple[str, int | None]]:
        """This user's (role, municipality id) pairs, loaded once per user object (per request)."""
        if not self.is_active or self.pk is None:
            return frozenset()
        return frozenset(self.roles.values_list("role", "municipality_id"))


class Role(models.TextChoices):
    """Platform roles beyond 'citizen', which every registered person has."""

    MODERATOR = "moderator", _("Moderator")
    COORDINATOR = "coordinator", _("Municipality coordinator")
    EXPERT = "expert", _("Expert (advisory board)")
    PROGRAM_OFFICE = "program_office", _("Program office")


class RoleGrant(models.Model):
    """A role given to a person; coordinators hold it for one municipality per grant."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        "network.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_grants",
        help_text=_("Required for municipality coordinators, empty for every other role."),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="coordinator") & Q(municipality__isnull=False))
                | (~Q(role="coordinator") & Q(municipality__isnull=True)),
                name="rolegrant_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(municipality__isnull=True),
                name="rolegrant_unique_unscoped",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="rolegrant_unique_scoped",
            ),
        ]

    def __str__(self) -> str:
        if self.municipality_id:
            return f"{self.get_role_display()} ({self.municipality})"
        return str(self.get_role_display())


class AccountEvent(AuditEvent):
    """Audit trail of account changes: roles granted and revoked, exports, erasure."""

    class Kind(models.TextChoices):
        PROFILE_UPDATED = "profile_updated", _("Profile updated")
        DATA_EXPORTED = "data_exported", _("Data exported")
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_REVOKED = "role_revoked", _("Role revoked")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")

    user = models.ForeignKey(
        User, verbose_name=_("person"), null=True, on_delete=models.SET_NULL, related_name="account_events"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
