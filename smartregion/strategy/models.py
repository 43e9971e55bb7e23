"""The strategy tree: domains of life (Daseinsbereiche), goals → strategies → measures, the ideas each
measure took up, and the audit history of every measure."""

from decimal import Decimal

from django.conf import settings
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

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("measure event")
        verbose_name_plural = _("measure events")
