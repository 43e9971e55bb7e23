"""The region running the program, its member municipalities, partner organizations and memberships."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartregion.core.models import TimeStampedModel


class Region(TimeStampedModel):
    """The county or region that runs the program; one row per installation."""

    name = models.CharField(_("name"), max_length=200)
    program_name = models.CharField(_("program name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    program_start = models.DateField(_("program start"))
    program_end = models.DateField(_("program end"))
    federal_funding = models.DecimalField(
        _("federal funding (EUR)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    own_share = models.DecimalField(
        _("own share (EUR)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    operator = models.CharField(
        _("operator"), max_length=200, help_text=_("The public body responsible for this site (imprint).")
    )
    address = models.TextField(_("postal address"))
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    website = models.URLField(_("website"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=200, blank=True)
    data_protection_contact = models.TextField(_("data protection officer (contact)"), blank=True)
    accessibility_reviewed_on = models.DateField(
        _("accessibility statement reviewed on"),
        help_text=_("Date of the last review of the accessibility statement (BITV 2.0 requires it)."),
    )
    # What the region calls the levels above its measures: MYK has target pictures (Zielbilder) and
    # integrated solutions (integrierte Lösungen) where the model says goals and strategies.
    goal_level_name = models.CharField(
        _("name of the top level of the strategy"),
        max_length=60,
        blank=True,
        help_text=_("For example: Zielbild. Empty: Ziel."),
    )
    strategy_level_name = models.CharField(
        _("name of the level between it and the measures"),
        max_length=60,
        blank=True,
        help_text=_("For example: Integrierte Lösung. Empty: Strategie."),
    )
    accessibility_enforcement_body = models.TextField(
        _("accessibility enforcement body"),
        help_text=_(
            "Name and address of the state's enforcement body, shown in the accessibility statement."
        ),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(program_end__gt=models.F("program_start")),
                name="region_program_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(federal_funding__gte=0) & Q(own_share__gte=0),
                name="region_funding_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def total_budget(self) -> Decimal:
        """Federal funding plus the region's own share."""
        return self.federal_funding + self.own_share

    @property
    def goal_level(self) -> str:
        """The name of the strategy's top level, as the region calls it."""
        return self.goal_level_name or str(_("Goal"))

    @property
    def strategy_level(self) -> str:
        """The name of the level between the top and the measures, as the region calls it."""
        return self.strategy_level_name or str(_("Strategy"))


class Municipality(TimeStampedModel):
    """A member municipality: a city or a Verbandsgemeinde, with its population and location."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        VERBANDSGEMEINDE = "verbandsgemeinde", _("Verbandsgemeinde")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="municipalities"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in URLs"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population"))
    population_year = models.PositiveSmallIntegerField(_("population as of year"))
    official_key = models.CharField(
        _("official key"),
        max_length=12,
        unique=True,
        help_text=_("8-digit municipality key (AGS) or 9-digit Verbandsschlüssel."),
    )
    latitude = models.DecimalField(_("latitude (WGS84)"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude (WGS84)"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90)
                & Q(latitude__lte=90)
                & Q(longitude__gte=-180)
                & Q(longitude__lte=180),
                name="municipality_point_is_wgs84",
            ),
            models.CheckConstraint(
                condition=Q(population_year__gte=1800) & Q(population_year__lte=2200),
                name="municipality_population_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("web:municipality", kwargs={"slug": self.slug})


class Organization(TimeStampedModel):
    """A partner or body of the program: administrations, partners, the board, the council, the office."""

    class Kind(models.TextChoices):
        MUNICIPAL_ADMINISTRATION = "municipal_administration", _("Municipal administration")
        LOCAL_PARTNER = "local_partner", _("Local partner")
        EXTERNAL_PARTNER = "external_partner", _("External partner")
        EXPERT_BOARD = "expert_board", _("Expert advisory board")
        COUNCIL = "council", _("County council")
        PROGRAM_OFFICE = "program_office", _("Program office")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in URLs"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text=_("Only for local organizations."),
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    members: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organizations",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="municipal_administration") | Q(municipality__isnull=False),
                name="organization_administration_has_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A person's role in an organization for a period; ``until`` empty means ongoing."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        CONTACT = "contact", _("Contact person")
        STAFF = "staff", _("Staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "since"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="membership_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["user", "organization", "role", "since"],
                name="membership_unique_per_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization} ({self.get_role_display()})"
