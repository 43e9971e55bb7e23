"""The program: its phases, the funding sources, and per measure the responsible organizations, budget
lines per source and year, expenses, milestones and indicators.

Money is ``Decimal`` in EUR with two places, never float. The invariants that must hold under concurrency
are database constraints as well as service checks: a budget line never commits more than it plans, a
funding source never allocates more than it has.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


def money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class ProgramPhase(models.Model):
    """A dated phase of the program (MYK: strategy up to 2 years, implementation up to 5 years)."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Strategy phase")
        IMPLEMENTATION = "implementation", _("Implementation phase")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("program phase")
        verbose_name_plural = _("program phases")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programphase_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_current(self, today: Any = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class FundingSource(models.Model):
    """Where money comes from: the federal grant, the county's own share, third parties."""

    class Kind(models.TextChoices):
        FEDERAL = "federal", _("Federal funding")
        OWN_SHARE = "own_share", _("Own share")
        THIRD_PARTY = "third_party", _("Third party")
        OTHER_PUBLIC = "other_public", _("Other public funding")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = money_field(_("amount (EUR)"))
    max_rate = models.DecimalField(
        _("highest funding rate in percent"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The largest share of a measure's eligible costs this source may pay. Empty: no limit."),
    )
    # The MPSC grant pays 90 % instead of 65 % to a municipality in budget emergency (Haushaltsnotlage).
    emergency_rate = models.DecimalField(
        _("funding rate in budget emergency in percent"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The rate that applies instead while the grantee is in budget emergency."),
    )
    budget_emergency = models.BooleanField(_("grantee in budget emergency"), default=False)
    rules = models.TextField(_("funding rules"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Sum of the planned budget lines drawing on this source, kept by program.services.
    allocated = money_field(_("allocated (EUR)"), default=ZERO, editable=False)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="fundingsource_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(allocated__lte=F("amount")), name="fundingsource_not_over_allocated"
            ),
            models.CheckConstraint(
                condition=Q(max_rate__isnull=True) | (Q(max_rate__gt=0) & Q(max_rate__lte=100)),
                name="fundingsource_rate_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(emergency_rate__isnull=True)
                | (Q(emergency_rate__gt=0) & Q(emergency_rate__lte=100)),
                name="fundingsource_emergency_rate_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.amount is not None and self.amount < self.allocated:
            raise ValidationError(
                {
                    "amount": _(
                        "Budget lines already draw %(allocated)s EUR from this source; it cannot have less."
                    )
                    % {"allocated": self.allocated}
                }
            )

    @property
    def available(self) -> Decimal:
        return self.amount - self.allocated

    @property
    def rate(self) -> Decimal | None:
        """The funding rate that applies now: the emergency rate while in budget emergency."""
        if self.budget_emergency and self.emergency_rate is not None:
            return self.emergency_rate
        return self.max_rate


class Responsibility(models.Model):
    """An organization's part in a measure: leading it, partnering, or funding it."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")
        FUNDER = "funder", _("Funder")

    measure = models.ForeignKey(
        "strategy.Measure",
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    organization = models.ForeignKey(
        "network.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)

    class Meta:
        verbose_name = _("responsible organization")
        verbose_name_plural = _("responsible organizations")
        ordering = ["role", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organization", "role"], name="responsibility_once_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class BudgetLine(models.Model):
    """The money a measure plans to draw from one funding source in one year, and how much of it is
    committed (contracts signed) and spent (paid)."""

    measure = models.ForeignKey(
        "strategy.Measure", verbose_name=_("measure"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned = money_field(_("planned (EUR)"))
    committed = money_field(_("committed (EUR)"), default=ZERO, editable=False)
    spent = money_field(_("spent (EUR)"), default=ZERO, editable=False)
    # Costs the funder does not recognise (e.g. running costs after the program) are planned and paid
    # like any other, but not counted in the measure's eligible costs.
    eligible = models.BooleanField(_("eligible cost"), default=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "source__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "source", "year"], name="budgetline_once_per_source_year"
            ),
            models.CheckConstraint(condition=Q(planned__gte=0), name="budgetline_planned_not_negative"),
            models.CheckConstraint(
                condition=Q(committed__gte=0) & Q(committed__lte=F("planned")),
                name="budgetline_committed_within_planned",
            ),
            models.CheckConstraint(condition=Q(spent__gte=0), name="budgetline_spent_not_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="budgetline_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.source} {self.year}"


class Expense(models.Model):
    """A booking on a budget line: a commitment (contract, order) or a payment."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("Commitment")
        PAYMENT = "payment", _("Payment")

    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="expenses"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = money_field(_("amount (EUR)"))
    booked_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    document_reference = models.CharField(_("document reference"), max_length=100, blank=True)
    override_reason = models.CharField(
        _("reason for paying beyond the commitment"),
        max_length=300,
        blank=True,
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-booked_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} EUR"


class Milestone(models.Model):
    """A step of a measure's implementation; overdue when its due date passed without it being done."""

    measure = models.ForeignKey(
        "strategy.Measure", verbose_name=_("measure"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: Any = None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())


class Indicator(models.Model):
    """A measured result of a measure after the BBSR's impact model: what the measure produces (output),
    what changes for its users (outcome) or in the region (impact), with a baseline, a target per year and
    the cadence in which a new value is due.

    ``target`` and ``target_on`` stay the final target; the path towards it is :class:`IndicatorTarget`."""

    class Kind(models.TextChoices):
        OUTPUT = "output", _("Output")
        OUTCOME = "outcome", _("Outcome")
        IMPACT = "impact", _("Impact")

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    measure = models.ForeignKey(
        "strategy.Measure", verbose_name=_("measure"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of result"), max_length=10, choices=Kind.choices, default=Kind.OUTCOME)
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    baseline_on = models.DateField(
        _("baseline date"),
        null=True,
        blank=True,
        help_text=_("When the baseline was measured. Without it the baseline counts as missing."),
    )
    baseline_source = models.CharField(_("source of the baseline"), max_length=300, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    cadence = models.CharField(
        _("cadence of new values"), max_length=10, choices=Cadence.choices, default=Cadence.YEARLY
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class IndicatorTarget(models.Model):
    """The value an indicator should reach by the end of one year: the target path, one row per year."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicatortarget_once_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="indicatortarget_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class IndicatorValue(models.Model):
    """One measurement of an indicator, with where the number comes from."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "measured_on"], name="indicatorvalue_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.value} ({self.measured_on})"


# --- The funder's rules (issue 14): grant commitments, own staff effort, fund calls ----------------------


class FundingCommitment(models.Model):
    """The funder's commitment (Zuwendungsbescheid) for one program phase: its date starts the clock for
    the proof of use (Verwendungsnachweis). Phase A (strategy) proves use 30 months after the commitment;
    phase B (implementation) with the request for the final payment, at the latest 5 years and 6 months
    after it (program.selectors.proof_due)."""

    phase = models.OneToOneField(
        ProgramPhase, verbose_name=_("program phase"), on_delete=models.PROTECT, related_name="commitment"
    )
    source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    number = models.CharField(_("commitment number"), max_length=100)
    program_name = models.CharField(
        _("funding program"), max_length=200, default="Modellprojekte Smart Cities"
    )
    committed_on = models.DateField(_("commitment date"))
    proof_submitted_on = models.DateField(
        _("proof of use submitted on"),
        null=True,
        blank=True,
        help_text=_("Once given, no more reminders are sent for this deadline."),
    )

    class Meta:
        verbose_name = _("funding commitment")
        verbose_name_plural = _("funding commitments")
        ordering = ["committed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.number} ({self.phase})"


class DeadlineReminder(models.Model):
    """A proof-of-use reminder that went out: one row per commitment and step (90, 30, 7 days before,
    0 = overdue), so that each step is sent exactly once whatever the timer does."""

    commitment = models.ForeignKey(
        FundingCommitment, verbose_name=_("funding commitment"), on_delete=models.CASCADE, related_name="+"
    )
    days_before = models.SmallIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "days_before"], name="deadlinereminder_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.days_before}"


class StaffRole(models.Model):
    """A role of the municipality's own staff with its hourly rate, for own staff effort (Eigenleistungen)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    hourly_rate = money_field(_("hourly rate (EUR)"))
    is_active = models.BooleanField(_("can be booked"), default=True)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="staffrole_rate_positive")]

    def __str__(self) -> str:
        return self.name


class StaffEffort(models.Model):
    """Hours of own staff in one month on one measure, at the role's hourly rate when booked: eligible cost
    the municipality bears itself (its own share in kind)."""

    measure = models.ForeignKey(
        "strategy.Measure", verbose_name=_("measure"), on_delete=models.CASCADE, related_name="staff_efforts"
    )
    role = models.ForeignKey(
        StaffRole, verbose_name=_("staff role"), on_delete=models.PROTECT, related_name="efforts"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    hourly_rate = money_field(_("hourly rate (EUR)"))
    amount = money_field(_("amount (EUR)"))
    description = models.CharField(_("what was done"), max_length=300)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("own staff effort")
        verbose_name_plural = _("own staff effort")
        ordering = ["-month", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="staffeffort_hours_positive"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="staffeffort_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.month:%m/%Y}: {self.hours} h"


class FundCall(models.Model):
    """A call for funds (Mittelabruf) from one source, covering payments already made, and its receipt."""

    source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="fund_calls"
    )
    called_on = models.DateField(_("called on"))
    amount = money_field(_("amount called (EUR)"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_amount = money_field(_("amount received (EUR)"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("fund call")
        verbose_name_plural = _("fund calls")
        ordering = ["-called_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fundcall_amount_positive"),
            models.CheckConstraint(
                condition=(Q(received_on__isnull=True) & Q(received_amount__isnull=True))
                | (
                    Q(received_on__isnull=False)
                    & Q(received_amount__gt=0)
                    & Q(received_amount__lte=F("amount"))
                    & Q(received_on__gte=F("called_on"))
                ),
                name="fundcall_receipt_complete_and_within_call",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.called_on}: {self.amount} EUR"


class FundCallPayment(models.Model):
    """A payment a fund call covers; a payment is called once (the unique expense decides)."""

    fund_call = models.ForeignKey(
        FundCall, verbose_name=_("fund call"), on_delete=models.CASCADE, related_name="payments"
    )
    expense = models.OneToOneField(
        Expense, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="fund_call_payment"
    )

    class Meta:
        verbose_name = _("payment of a fund call")
        verbose_name_plural = _("payments of fund calls")

    def __str__(self) -> str:
        return f"{self.fund_call_id} → {self.expense_id}"


class AdoptedSnapshotError(ValidationError):
    """An adopted Digitale Agenda is a council decision: no write path may change or delete it."""


class AgendaSnapshotQuerySet(models.QuerySet["AgendaSnapshot"]):
    """Bulk writes cannot reach an adopted agenda either: updates skip it, deletes refuse."""

    def update(self, **kwargs: Any) -> int:
        return super(AgendaSnapshotQuerySet, self.exclude(status="adopted")).update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status="adopted").exists():
            raise AdoptedSnapshotError(_("This Digitale Agenda is adopted and can no longer be changed."))
        return super().delete()


class AgendaSnapshot(models.Model):
    """The Digitale Agenda of one year: every published measure's profile, frozen as JSON.

    ``profiles`` follows the schema ``schema_version`` names (program.agenda.SCHEMA_VERSION) and is
    written by program.agenda only, so that later changes to the models cannot alter an agenda the
    council adopted. A draft may be refreshed; an adopted snapshot never changes (services, admin and
    this model's save and delete refuse, and the queryset's update and delete skip adopted rows)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    schema_version = models.PositiveSmallIntegerField(_("schema version"), editable=False)
    profiles = models.JSONField(_("frozen profiles"), editable=False, default=list)
    frozen_at = models.DateTimeField(_("frozen at"), editable=False)
    decided_by = models.CharField(
        _("decision body"), max_length=200, blank=True, help_text=_("For example: Kreistag Mayen-Koblenz.")
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reference = models.CharField(
        _("reference of the decision"),
        max_length=100,
        blank=True,
        help_text=_("For example: Drucksache 123/2026."),
    )
    oparl_url = models.URLField(_("OParl URL of the council paper"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AgendaSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("Digitale Agenda")
        verbose_name_plural = _("Digitale Agenden")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(decided_on__isnull=False) & ~Q(decided_by="") & ~Q(decision_reference="")),
                name="agendasnapshot_adopted_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="agendasnapshot_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_adopted()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_adopted()
        return super().delete(*args, **kwargs)

    def _refuse_if_adopted(self) -> None:
        # Asked of the stored row, not of this instance: an instance loaded as a draft before another
        # request adopted it must not overwrite the adopted agenda.
        if self.pk and AgendaSnapshot.objects.filter(pk=self.pk, status=self.Status.ADOPTED).exists():
            raise AdoptedSnapshotError(_("This Digitale Agenda is adopted and can no longer be changed."))

    @property
    def is_adopted(self) -> bool:
        return self.status == self.Status.ADOPTED


class ProgramReminder(models.Model):
    """A reminder sent to one person for one cause ("stale:12:2026-05-01", "milestone-due:7", ...): the
    unique constraint makes each reminder go out once, however often the daily run repeats."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    measure = models.ForeignKey(
        "strategy.Measure",
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    cause = models.CharField(_("cause"), max_length=80)
    message = models.CharField(_("message"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("program reminder")
        verbose_name_plural = _("program reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "cause"], name="programreminder_once_per_cause")
        ]

    def __str__(self) -> str:
        return self.message
