"""Participation processes with dated phases, ideas on every channel, supports, comments, moderation."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartregion.core.models import AuditEvent, TimeStampedModel


class Feature(models.TextChoices):
    """What a phase can enable; permissions ask the active phase for one of these."""

    PROPOSE = "propose", _("Submit ideas")
    COMMENT = "comment", _("Comment")
    SUPPORT = "support", _("Support ideas")
    ANSWER = "answer", _("Answer surveys")


class Process(TimeStampedModel):
    """A participation process (Beteiligungsprozess) with dated phases."""

    class Visibility(models.TextChoices):
        DRAFT = "draft", _("Draft (only staff)")
        PUBLIC = "public", _("Public")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in URLs"), max_length=200, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("description (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    image = models.ImageField(_("image"), upload_to="processes/", blank=True)
    image_alt = models.CharField(_("image description (alternative text)"), max_length=300, blank=True)
    domains = models.ManyToManyField(
        "strategy.Domain", verbose_name=_("domains of life"), related_name="processes", blank=True
    )
    municipalities = models.ManyToManyField(
        "network.Municipality",
        verbose_name=_("municipalities"),
        related_name="processes",
        blank=True,
        help_text=_("Empty: the whole region."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.DRAFT
    )
    premoderate_new_users = models.BooleanField(
        _("pre-moderate first contributions"),
        default=False,
        help_text=_("The first idea of a person is published only after a moderator approved it."),
    )
    idea_count = models.PositiveIntegerField(_("published ideas"), default=0, editable=False)

    class Meta:
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:process", kwargs={"slug": self.slug})


class Phase(models.Model):
    """A dated phase of a process; its kind declares which features it enables."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        IDEA_COLLECTION = "idea_collection", _("Idea collection")
        COMMENTING = "commenting", _("Discussion")
        SUPPORTING = "supporting", _("Supporting")
        ASSESSMENT = "assessment", _("Assessment")
        DECISION = "decision", _("Decision")
        IMPLEMENTATION = "implementation", _("Implementation")
        SURVEY = "survey", _("Survey")

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="phase_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.title or str(self.get_kind_display())

    @property
    def features(self) -> frozenset[str]:
        """The features this kind of phase enables."""
        return PHASE_FEATURES[self.Kind(self.kind)]

    def is_active(self, now: Any = None) -> bool:
        """Whether the phase runs at ``now`` (start inclusive, end exclusive)."""
        now = now or timezone.now()
        return bool(self.starts_at <= now < self.ends_at)


PHASE_FEATURES: dict[Phase.Kind, frozenset[str]] = {
    Phase.Kind.INFORMATION: frozenset(),
    Phase.Kind.IDEA_COLLECTION: frozenset({Feature.PROPOSE, Feature.COMMENT, Feature.SUPPORT}),
    Phase.Kind.COMMENTING: frozenset({Feature.COMMENT, Feature.SUPPORT}),
    Phase.Kind.SUPPORTING: frozenset({Feature.SUPPORT}),
    Phase.Kind.ASSESSMENT: frozenset(),
    Phase.Kind.DECISION: frozenset(),
    Phase.Kind.IMPLEMENTATION: frozenset({Feature.COMMENT}),
    Phase.Kind.SURVEY: frozenset({Feature.ANSWER}),
}


class Channel(models.TextChoices):
    """How an idea reached the program."""

    ONLINE = "online", _("Online")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telephone")
    LETTER = "letter", _("Letter")
    EVENT = "event", _("Event")


class IdeaStatus(models.TextChoices):
    """The public workflow of an idea."""

    SUBMITTED = "submitted", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    ADOPTED = "adopted", _("Adopted")
    MERGED = "merged", _("Merged into another idea")
    NOT_PURSUED = "not_pursued", _("Not pursued")
    HIDDEN = "hidden", _("Removed by moderation")


# Statuses the public sees; SUBMITTED (queue) and HIDDEN (removed) are for staff and the author only.
PUBLIC_IDEA_STATUSES = (
    IdeaStatus.PUBLISHED,
    IdeaStatus.UNDER_ASSESSMENT,
    IdeaStatus.ADOPTED,
    IdeaStatus.MERGED,
    IdeaStatus.NOT_PURSUED,
)


class Idea(TimeStampedModel):
    """A contribution by anyone, on any channel."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="ideas"
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("description (Markdown)"), max_length=10000)
    body_html = models.TextField(editable=False)
    domains = models.ManyToManyField(
        "strategy.Domain", verbose_name=_("domains of life"), related_name="ideas"
    )
    municipality = models.ForeignKey(
        "network.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
        help_text=_("Empty: concerns the whole region."),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    image = models.ImageField(_("image"), upload_to="ideas/%Y/%m/", blank=True)
    image_alt = models.CharField(_("image description (alternative text)"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED, db_index=True
    )
    status_reason = models.TextField(_("public reason for the status"), blank=True)
    moderation_note = models.CharField(
        _("public note of the moderation"),
        max_length=300,
        blank=True,
        help_text=_("Why the moderation last edited the idea; shown on the idea's page."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_ideas",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
        help_text=_("Empty for ideas recorded on behalf of a person without an account."),
    )
    source_event = models.ForeignKey(
        "events.Event",
        verbose_name=_("from the event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0, editable=False)
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)
    # Snowball-stemmed title and text, kept by the service so that German search finds word forms.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["process", "status", "-support_count"], name="idea_process_supported"),
            models.Index(fields=["process", "status", "-published_at"], name="idea_process_newest"),
            models.Index(fields=["process", "status", "-comment_count"], name="idea_process_discussed"),
            # The idea list across processes, most supported first: PostgreSQL reads the first page off this
            # index instead of joining and sorting every public idea (24 ms to 0.6 ms at 10,000 ideas,
            # bench/participation.py). The indexes above cannot order that list: it has five statuses.
            models.Index(fields=["-support_count", "-published_at", "-id"], name="idea_most_supported"),
            # The same for the most discussed first: without it, 250 ms for the first page at 100,000 ideas.
            models.Index(fields=["-comment_count", "-published_at", "-id"], name="idea_most_discussed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="idea_point_complete_or_absent",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="idea_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")),
                name="idea_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:idea", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        """Whether everyone may see the idea (the process must be public too)."""
        return self.status in PUBLIC_IDEA_STATUSES

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def attribution(self) -> str:
        """Who the idea is shown as coming from: the author's public name, or for ideas staff recorded the
        public attribution; never the staff member, never the private contact data."""
        if self.author_id:
            return self.author.public_name  # type: ignore[union-attr]
        assisted = getattr(self, "assisted", None)
        if assisted is not None:
            return str(assisted.public_attribution)
        return str(self.get_channel_display())


class AssistedContribution(models.Model):
    """Who brought in an idea that staff recorded (telephone, letter, e-mail, event): private data.

    Kept apart from Idea so that nothing rendering ideas publicly can reach it by accident.
    """

    idea = models.OneToOneField(
        Idea, on_delete=models.CASCADE, related_name="assisted", verbose_name=_("idea")
    )
    contributor_name = models.CharField(_("name of the person"), max_length=200, blank=True)
    contributor_contact = models.CharField(
        _("contact (e-mail, telephone, address)"), max_length=300, blank=True
    )
    consent_given_at = models.DateTimeField(
        _("consent to storage given at"),
        null=True,
        blank=True,
        help_text=_("Contact details are stored only with the person's consent."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public_attribution = models.CharField(
        _("public attribution"),
        max_length=200,
        help_text=_("Shown as author, e.g. 'submitted by telephone' or 'Workshop Andernach'."),
    )
    notifications_stopped_at = models.DateTimeField(
        _("news about the idea unsubscribed at"),
        null=True,
        blank=True,
        help_text=_("Empty: an e-mail contact hears what becomes of the idea."),
    )

    class Meta:
        verbose_name = _("assisted contribution")
        verbose_name_plural = _("assisted contributions")

    def __str__(self) -> str:
        return self.public_attribution


class IdeaEvent(AuditEvent):
    """Append-only history of an idea: status changes with their public reason, moderation, merges."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        STATUS_CHANGED = "status_changed", _("Status changed")
        EDITED = "edited", _("Edited")
        MODERATED = "moderated", _("Edited by the moderation")
        MERGED = "merged", _("Merged")

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=IdeaStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=IdeaStatus.choices, blank=True)
    reason = models.TextField(_("public reason"), blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("idea event")
        verbose_name_plural = _("idea events")


class Support(models.Model):
    """One person's endorsement of an idea; the database allows one per person and idea."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="support_one_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class Comment(TimeStampedModel):
    """A comment under an idea; replies go one level deep."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(_("comment"), max_length=5000)
    body_html = models.TextField(editable=False)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    is_deleted = models.BooleanField(_("deleted by the author"), default=False)
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    is_highlighted = models.BooleanField(_("highlighted"), default=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["idea", "parent", "created_at"], name="comment_thread"),
            # Covers what the reach figures read of every comment (web/reach.py), so the grouped count
            # need not read the wide rows with their text: 177 -> 71 ms at 40,000 comments.
            models.Index(
                fields=["idea", "is_hidden", "is_deleted", "author", "created_at"], name="comment_reach"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="comment_not_reply_to_itself"),
            models.CheckConstraint(
                condition=Q(is_hidden=False) | ~Q(hidden_reason=""), name="comment_hidden_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.idea_id}"

    @property
    def is_visible(self) -> bool:
        """Whether the text is shown; deleted and hidden comments keep their place in the thread."""
        return not (self.is_deleted or self.is_hidden)


class Report(models.Model):
    """A person's report of a comment or idea to the moderators."""

    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(comment__isnull=False) & Q(idea__isnull=True))
                | (Q(comment__isnull=True) & Q(idea__isnull=False)),
                name="report_has_one_target",
            ),
            models.UniqueConstraint(fields=["reporter", "comment"], name="report_once_per_comment"),
            models.UniqueConstraint(fields=["reporter", "idea"], name="report_once_per_idea"),
        ]

    def __str__(self) -> str:
        return f"{self.reason[:40]}"


class ParticipationBlock(models.Model):
    """A person blocked from contributing by a moderator; ``until`` empty means indefinitely."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="participation_block",
    )
    reason = models.CharField(_("reason"), max_length=300)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self) -> str:
        return self.reason


class ModerationEvent(AuditEvent):
    """Append-only log of every moderation action."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HIDE_COMMENT = "hide_comment", _("Comment hidden")
        UNHIDE_COMMENT = "unhide_comment", _("Comment shown again")
        HIGHLIGHT_COMMENT = "highlight_comment", _("Comment highlighted")
        UNHIGHLIGHT_COMMENT = "unhighlight_comment", _("Highlight removed")
        BLOCK_USER = "block_user", _("Person blocked")
        UNBLOCK_USER = "unblock_user", _("Block lifted")
        RESOLVE_REPORT = "resolve_report", _("Report resolved")

    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")


class Follow(models.Model):
    """A person following a process or an idea, to be notified of changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="follows"
    )
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(Q(process__isnull=False) & Q(idea__isnull=True))
                | (Q(process__isnull=True) & Q(idea__isnull=False)),
                name="follow_has_one_target",
            ),
            models.UniqueConstraint(fields=["user", "process"], name="follow_once_per_process"),
            models.UniqueConstraint(fields=["user", "idea"], name="follow_once_per_idea"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.process_id or self.idea_id}"


class Notification(models.Model):
    """An in-app notification; the daily digest mails those not yet mailed."""

    class Kind(models.TextChoices):
        IDEA_STATUS = "idea_status", _("Status of an idea changed")
        NEW_COMMENT = "new_comment", _("New comment")
        NEW_IDEA = "new_idea", _("New idea in a process")
        MEASURE_UPDATE = "measure_update", _("News from a measure that took up an idea")
        IDEA_MODERATED = "idea_moderated", _("An idea was edited by the moderation")
        GRANT_DEADLINE = "grant_deadline", _("A deadline of the funding commitment approaches")
        MEASURE_REMINDER = "measure_reminder", _("Reminder about a measure you are responsible for")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    # A reminder about a measure (program.reminders) points at the measure instead of an idea.
    measure = models.ForeignKey(
        "strategy.Measure",
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    message = models.CharField(_("message"), max_length=300)
    # What the notification tells of ("comment:12", "idea-event:40", ...): a retried task finds the
    # person notified already (the unique constraint decides, see participation.tasks.notify).
    cause = models.CharField(_("cause"), max_length=40, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cause"], condition=~Q(cause=""), name="notification_once_per_cause"
            )
        ]

    def __str__(self) -> str:
        return self.message


class NotificationPreference(models.Model):
    """Whether a person wants the daily e-mail digest (off until they switch it on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_digest = models.BooleanField(_("daily e-mail digest"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_digest}"


class InboundMessage(models.Model):
    """An e-mail turned into an idea or refused; the Message-ID makes the import idempotent."""

    message_id = models.CharField(_("Message-ID"), max_length=500, unique=True)
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender = models.CharField(_("sender"), max_length=300)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    refusal = models.TextField(_("why the e-mail was refused"), blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledgement sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        indexes = [models.Index(fields=["sender", "acknowledged_at"], name="inbound_acknowledged")]

    def __str__(self) -> str:
        return self.message_id
