"""The strategy tree: domains of life (Daseinsbereiche), goals → strategies → measures, the ideas each
measure took up, and the audit history of every measure."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartregion.core.models import AuditEvent, TimeStampedModel


class Domain(models.Model):
    """A domain of life the strategy covers (economy, mobility, health, ...); configurable per region."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name in URLs"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("domain of life")
        verbose_name_plural = _("domains of life")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Goal(TimeStampedModel):
    """A goal of the regional strategy (Ziel): the top of the tree goal → strategy → measure."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in URLs"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    domains = models.ManyToManyField(
        Domain, verbose_name=_("domains of life"), related_name="goals", blank=True
    )
    # A draft (made from a cluster of ideas) is for the office until it publishes it.
    is_published = models.BooleanField(_("published"), default=True)
    ideas = models.ManyToManyField(
        "participation.Idea", verbose_name=_("ideas it was drawn from"), related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Strategy(TimeStampedModel):
    """A field of action under a goal (Strategie, Handlungsfeld) that groups measures."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="strategies"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in URLs"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


class MonitoringState(models.TextChoices):
    """Whether a measure keeps to its plan (rules: program.monitoring, decision 0008)."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")


class Measure(TimeStampedModel):
    """A measure (Maßnahme) of the strategy; its money, milestones and indicators live in the program app.

    The money figures and milestone counts are denormalised here by program.services, so that lists and
    the dashboard never sum rows per measure.
    """

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.PROTECT, related_name="measures"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in URLs"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("description (Markdown)"), max_length=20000, blank=True)
    body_html = models.TextField(editable=False, blank=True)
    domains = models.ManyToManyField(Domain, verbose_name=_("domains of life"), related_name="measures")
    municipalities = models.ManyToManyField(
        "network.Municipality",
        verbose_name=_("municipalities"),
        related_name="measures",
        blank=True,
        help_text=_("Empty: the measure concerns the whole region."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MeasureStatus.choices,
        default=MeasureStatus.PLANNED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress in percent"), default=0)
    progress_from_milestones = models.BooleanField(
        _("progress follows the milestones"),
        default=True,
        help_text=_("Off: the progress was set by hand, with a reason."),
    )
    progress_reason = models.CharField(_("reason for the progress"), max_length=300, blank=True)
    budget_planned = models.DecimalField(
        _("planned budget (EUR)"), max_digits=14, decimal_places=2, default=Decimal(0), editable=False
    )
    budget_committed = models.DecimalField(
        _("committed (EUR)"), max_digits=14, decimal_places=2, default=Decimal(0), editable=False
    )
    budget_spent = models.DecimalField(
        _("spent (EUR)"), max_digits=14, decimal_places=2, default=Decimal(0), editable=False
    )
    monitoring_override = models.CharField(
        _("monitoring state set by hand"),
        max_length=10,
        choices=MonitoringState.choices,
        blank=True,
        help_text=_("Empty: the state is worked out from milestones and spending."),
    )
    monitoring_reason = models.CharField(_("reason for the monitoring state"), max_length=300, blank=True)
    milestone_count = models.PositiveIntegerField(_("milestones"), default=0, editable=False)
    milestone_done_count = models.PositiveIntegerField(_("milestones done"), default=0, editable=False)
    idea_count = models.PositiveIntegerField(_("linked ideas"), default=0, editable=False)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["strategy__goal__position", "strategy__position", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="measure_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(milestone_done_count__lte=F("milestone_count")),
                name="measure_milestones_done_within_count",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:measure", kwargs={"slug": self.slug})


class IdeaLink(models.Model):
    """An idea taken up by a measure, with a short public note on what became of it."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="idea_links"
    )
    idea = models.ForeignKey(
        "participation.Idea", verbose_name=_("idea"), on_delete=models.CASCADE, related_name="measure_links"
    )
    note = models.CharField(_("public note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("link between idea and measure")
        verbose_name_plural = _("links between ideas and measures")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["measure", "idea"], name="idealink_once_per_pair")]

    def __str__(self) -> str:
        return f"{self.idea_id} → {self.measure_id}"


class MeasureEvent(AuditEvent):
    """The audit history of a measure: every change to its money, status, progress, links and milestones.

    ``data`` holds what changed as {"before": ..., "after": ...} (amounts as decimal strings).
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Description changed")
        STATUS = "status", _("Status changed")
        PROGRESS = "progress", _("Progress changed")
        IDEA_LINKED = "idea_linked", _("Idea linked")
        IDEA_UNLINKED = "idea_unlinked", _("Idea unlinked")
        BUDGET = "budget", _("Budget changed")
        EXPENSE = "expense", _("Expense booked")
        OVERRIDE = "override", _("Payment beyond the commitment")
        MILESTONE = "milestone", _("Milestone changed")
        INDICATOR = "indicator", _("Indicator value recorded")
        MONITORING = "monitoring", _("Monitoring state set")

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("measure event")
        verbose_name_plural = _("measure events")


class StrategyVersion(models.Model):
    """A published state of the strategy: drafted by the office, adopted by a decision body on a date.

    The public sees the adopted versions with their decision and what changed since the previous one;
    the tree itself (goals, strategies, measures) is the current state.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    changes = models.TextField(_("what changed (Markdown)"), max_length=10000)
    changes_html = models.TextField(editable=False, blank=True)
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("strategy version")
        verbose_name_plural = _("strategy versions")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(decided_on__isnull=False) & ~Q(decided_by="") & ~Q(decision_reference="")),
                name="strategyversion_adopted_has_decision",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.status == self.Status.ADOPTED:
            missing = {
                field: _("An adopted version needs the decision body, the date and the reference.")
                for field in ("decided_by", "decided_on", "decision_reference")
                if not getattr(self, field)
            }
            if missing:
                raise ValidationError(missing)


class Criterion(models.Model):
    """A weighted criterion the expert board scores candidates by (impact, feasibility, cost, ...).

    A criterion that was scored cannot be deleted (its scores would silently change the results); it is
    made inactive instead, and new assessments no longer ask for it.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("From 1 (minor) to 10 (decisive).")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("assessment criterion")
        verbose_name_plural = _("assessment criteria")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=10), name="criterion_weight_1_to_10"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentRound(models.Model):
    """A round in which the expert board assesses a set of ideas and measures between two dates.

    The results stay internal (board and office) until the office publishes them.
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    ideas = models.ManyToManyField(
        "participation.Idea", verbose_name=_("ideas"), related_name="assessment_rounds", blank=True
    )
    measures = models.ManyToManyField(
        Measure, verbose_name=_("measures"), related_name="assessment_rounds", blank=True
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    results_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("results published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="assessmentround_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:assessment_round", kwargs={"pk": self.pk})


class Assessment(models.Model):
    """One board member's assessment of one candidate (an idea or a measure) in a round.

    Submitted once and never changed, so it is its own audit record. With a declared conflict of
    interest it holds no scores and does not count towards the results.
    """

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="assessments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="strategy_assessments",
    )
    idea = models.ForeignKey(
        "participation.Idea",
        verbose_name=_("idea"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    conflict_of_interest = models.BooleanField(_("conflict of interest"), default=False)
    conflict_note = models.CharField(_("note on the conflict of interest"), max_length=500, blank=True)
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(idea__isnull=False) & Q(measure__isnull=True))
                | (Q(idea__isnull=True) & Q(measure__isnull=False)),
                name="assessment_exactly_one_candidate",
            ),
            models.UniqueConstraint(fields=["round", "expert", "idea"], name="assessment_once_per_idea"),
            models.UniqueConstraint(
                fields=["round", "expert", "measure"], name="assessment_once_per_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.expert_id} → {self.idea_id or self.measure_id}"


class Score(models.Model):
    """The score (1 to 5) one assessment gives for one criterion."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position", "criterion__name"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=1) & Q(value__lte=5), name="score_value_1_to_5"),
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_once_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"
