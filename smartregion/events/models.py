"""Events of the participation process: registration with capacity and waiting list, minutes, outcomes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartregion.core.models import AuditEvent, TimeStampedModel


class EventFormat(models.TextChoices):
    """The kinds of events the participation process runs."""

    WORKSHOP = "workshop", _("Workshop")
    CITIZEN_FORUM = "citizen_forum", _("Citizen forum")
    ONLINE_DIALOGUE = "online_dialogue", _("Online dialogue")
    INFO_STAND = "info_stand", _("Information stand")
    HYBRID = "hybrid", _("Hybrid session")


# Formats that take place online only (no venue) and formats that need an online link.
ONLINE_ONLY_FORMATS = frozenset({EventFormat.ONLINE_DIALOGUE})
ONLINE_FORMATS = frozenset({EventFormat.ONLINE_DIALOGUE, EventFormat.HYBRID})


class Event(TimeStampedModel):
    """A dated event; its denormalised counts are changed only by events/services.py under a row lock."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (only organizers)")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in URLs"), max_length=200, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("description (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=EventFormat.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    process = models.ForeignKey(
        "participation.Process",
        verbose_name=_("participation process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    municipality = models.ForeignKey(
        "network.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("Empty: an event for the whole region."),
    )
    organizers = models.ManyToManyField(
        "network.Organization", verbose_name=_("organizers"), related_name="events", blank=True
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address of the venue"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("Shown only to people with a confirmed place and to the organizers."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: open as soon as published.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: open until the event starts.")
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    sign_language_on_request = models.BooleanField(_("sign language interpreting on request"), default=False)
    sign_language_request_by = models.DateField(
        _("request sign language interpreting by"), null=True, blank=True
    )
    accessibility_notes = models.TextField(_("further notes on accessibility"), blank=True)
    registered_count = models.PositiveIntegerField(_("confirmed places"), default=0, editable=False)
    waiting_count = models.PositiveIntegerField(_("on the waiting list"), default=0, editable=False)
    # The last queue position handed out: registrations take the next one under the event's row lock, so the
    # waiting list has a strict order even when two registrations arrive within the same microsecond.
    last_position = models.PositiveIntegerField(default=0, editable=False)
    minutes = models.TextField(_("minutes (Markdown)"), blank=True)
    minutes_html = models.TextField(editable=False, blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)
    # When the registrations' personal data was anonymised (EVENT_PERSONAL_DATA_RETENTION_DAYS).
    personal_data_removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_calendar")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_dates_in_order"),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(registered_count__lte=F("capacity")),
                name="event_not_overbooked",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="event_point_complete_or_absent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", kwargs={"slug": self.slug})

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_online(self) -> bool:
        return self.format in ONLINE_FORMATS

    @property
    def free_places(self) -> int | None:
        """Places still free; None without a limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.registered_count, 0)


class Registration(TimeStampedModel):
    """A sign-up for an event: by a signed-in person, or by a guest with name and e-mail (double opt-in)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting e-mail confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Not confirmed in time")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
        help_text=_("Empty for guests and after anonymisation."),
    )
    # Name and address are kept on the row for guests and signed-in people alike, so that the attendee list,
    # mails and the anonymisation treat both the same way.
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    position = models.PositiveIntegerField(
        _("queue position"), null=True, blank=True, help_text=_("Order of the waiting list.")
    )
    share_contact = models.BooleanField(
        _("shares name and e-mail with the organizers"),
        default=False,
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "position", "id"]
        indexes = [models.Index(fields=["event", "status", "position"], name="registration_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["pending", "confirmed", "waiting"]) & Q(user__isnull=False),
                name="registration_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(status__in=["pending", "confirmed", "waiting"]) & ~Q(email=""),
                name="registration_one_active_per_email",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(position__isnull=False),
                name="registration_waiting_has_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.name or self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


ACTIVE_STATUSES = (Registration.Status.PENDING, Registration.Status.CONFIRMED, Registration.Status.WAITING)


class MinutesAttachment(models.Model):
    """A file that belongs to an event's minutes (slides, photo protocol); public once the minutes are."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="events/minutes/%Y/%m/")
    content_type = models.CharField(_("file type"), max_length=100, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment of the minutes")
        verbose_name_plural = _("attachments of the minutes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class EventMessage(models.Model):
    """A message organizers sent to an event's registrants; the task mails it once."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="messages"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=5000)
    include_waiting = models.BooleanField(_("also to the waiting list"), default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("message to registrants")
        verbose_name_plural = _("messages to registrants")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class EventLogEntry(AuditEvent):
    """Append-only history of an event: changes, registrations, cancellations, promotions, minutes."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        REGISTERED = "registered", _("Registered")
        CONFIRMED = "confirmed", _("E-mail confirmed")
        CANCELLED = "cancelled", _("Registration cancelled")
        PROMOTED = "promoted", _("Moved up from the waiting list")
        ATTENDANCE = "attendance", _("Attendance recorded")
        MESSAGE = "message", _("Message sent")
        MINUTES = "minutes", _("Minutes changed")
        IDEAS = "ideas", _("Ideas recorded")
        ANONYMISED = "anonymised", _("Personal data anonymised")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="log")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = _("event history entry")
        verbose_name_plural = _("event history")
