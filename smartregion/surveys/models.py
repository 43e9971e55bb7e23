"""Questionnaires and quick polls: sections, questions and options, responses on every channel, answers.

An answer is stored as one row per atomic value (a chosen option, a ranked option with its rank, a matrix
row with its scale value, a number, a text, a date, a point), so that every result is a SQL aggregate over
one table, grouped by question and option (decision 0009).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smartregion.accounts.models import AgeGroup
from smartregion.core.models import AuditEvent, TimeStampedModel


class Channel(models.TextChoices):
    """How a response reached the program."""

    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper questionnaire")
    EVENT = "event", _("Event")
    PHONE = "phone", _("Telephone")


# Channels staff enter on behalf of others.
ASSISTED_CHANNELS = (Channel.PAPER, Channel.EVENT, Channel.PHONE)


class Survey(TimeStampedModel):
    """A questionnaire (or a quick poll with one choice question) answered while a survey phase runs."""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("Survey")
        POLL = "poll", _("Quick poll")

    class Audience(models.TextChoices):
        ANYONE = "anyone", _("Anyone, without an account (one answer per browser)")
        SIGNED_IN = "signed_in", _("Signed-in people only (one answer per person, editable)")

    class Visibility(models.TextChoices):
        DRAFT = "draft", _("Draft (only staff)")
        PUBLIC = "public", _("Public")

    class ShowResults(models.TextChoices):
        AFTER_VOTING = "after_voting", _("After voting")
        AFTER_CLOSING = "after_closing", _("After the poll closes")

    process = models.ForeignKey(
        "participation.Process",
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SURVEY)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    audience = models.CharField(
        _("who may answer"), max_length=10, choices=Audience.choices, default=Audience.ANYONE
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.DRAFT
    )
    show_results = models.CharField(
        _("quick poll: show results"),
        max_length=15,
        choices=ShowResults.choices,
        default=ShowResults.AFTER_VOTING,
    )
    on_start_page = models.BooleanField(_("quick poll: show on the start page"), default=False)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    response_count = models.PositiveIntegerField(_("responses"), default=0, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:survey", kwargs={"pk": self.pk})

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None


class Section(models.Model):
    """A titled group of questions, optionally shown only for certain answers to an earlier question."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    position = models.PositiveIntegerField(_("position"), default=0)
    show_if: "models.ManyToManyField[Option, Any]" = models.ManyToManyField(
        "Option",
        verbose_name=_("show only if one of these answers was given"),
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SCALE = "scale", _("Scale")
    RANKING = "ranking", _("Ranking")
    MATRIX = "matrix", _("Matrix (rows × one scale)")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    POINT = "point", _("Point on the map")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
OPTION_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING, QuestionKind.MATRIX)
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


class Question(models.Model):
    """A question; its kind decides which of the settings below apply (the builder form checks them)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=15, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    shuffle_options = models.BooleanField(_("shuffle the order of the options"), default=False)
    allow_other = models.BooleanField(_("offer “other: …” with a text"), default=False)
    min_choices = models.PositiveSmallIntegerField(_("at least (choices)"), null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("at most (choices)"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length (characters)"), null=True, blank=True)
    scale_max = models.PositiveSmallIntegerField(_("scale from 1 to"), null=True, blank=True)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=100, blank=True)
    number_min = models.DecimalField(
        _("smallest number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    number_max = models.DecimalField(
        _("largest number"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    show_if: "models.ManyToManyField[Option, Any]" = models.ManyToManyField(
        "Option",
        verbose_name=_("show only if one of these answers was given"),
        blank=True,
        related_name="dependent_questions",
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "section_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__isnull=True) | Q(scale_max__in=(5, 10)), name="question_scale_5_or_10"
            ),
            models.CheckConstraint(
                condition=Q(min_choices__isnull=True)
                | Q(max_choices__isnull=True)
                | Q(min_choices__lte=models.F("max_choices")),
                name="question_choices_in_order",
            ),
            models.CheckConstraint(
                condition=Q(number_min__isnull=True)
                | Q(number_max__isnull=True)
                | Q(number_min__lte=models.F("number_max")),
                name="question_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Option(models.Model):
    """A choice of a choice or ranking question, or a row of a matrix question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("text"), max_length=300)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One filled-in questionnaire: online (a person or a browser), or entered by staff from paper, an
    event or a telephone call. Never carries the person into results or exports."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    # The anonymous browser's token (its signed cookie holds it): one response per browser.
    browser_token = models.CharField(max_length=64, null=True, blank=True, editable=False)
    municipality = models.ForeignKey(
        "network.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    provenance = models.CharField(
        _("provenance"),
        max_length=200,
        blank=True,
        help_text=_("Where the questionnaire came from, e.g. 'Town hall Mendig' or 'Workshop Andernach'."),
    )
    paper_number = models.CharField(_("paper form number"), max_length=40, null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"], condition=Q(user__isnull=False), name="response_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["survey", "browser_token"],
                condition=Q(browser_token__isnull=False),
                name="response_one_per_browser",
            ),
            models.UniqueConstraint(
                fields=["survey", "paper_number"],
                condition=Q(paper_number__isnull=False),
                name="response_paper_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["survey", "municipality", "channel"], name="response_filters")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """One atomic value of a response: a chosen option (with a rank or a scale value for rankings and
    matrix rows), an "other" text, a number or scale value, a text, a date or a point."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    # Moderation: a free text that names a person is hidden from the results, exports and open data.
    hidden = models.BooleanField(_("hidden by moderation"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["question", "option", "number"], name="answer_aggregate"),
            models.Index(fields=["response", "question"], name="answer_response"),
            # The newest free texts of a question (the results' samples), read from the newest backwards.
            models.Index(
                fields=["question", "-id"],
                condition=Q(option__isnull=True) & ~Q(text=""),
                name="answer_texts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option_id or self.number or self.text[:30]}"


# Question kinds whose answers are counted per option and value (the charts, and the average, smallest
# and largest number or date); texts and points count only their respondents.
COUNTED_KINDS = (
    *CHOICE_KINDS,
    QuestionKind.SCALE,
    QuestionKind.RANKING,
    QuestionKind.MATRIX,
    QuestionKind.NUMBER,
    QuestionKind.DATE,
)


class AnswerCount(models.Model):
    """How many answers a question got with one option and value, per municipality and channel; or, with
    ``respondents``, how many responses answered it. Kept in the transaction that stores, edits or imports
    answers (``services.answer_counts_*``), so that the results read a few hundred rows whatever the number
    of responses; ``manage.py recount_survey_answers`` rebuilds them from the answers (decision 0009).

    The keys use 0 for "none" (no option, no value, no municipality) rather than NULL: a unique constraint
    treats NULLs as distinct, and the counters are written with one upsert on that constraint. A number
    question has a row per distinct number given: few for the usual questions (household size, age),
    at worst one per response, which is what reading the answers would cost.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    respondents = models.BooleanField(default=False)
    option_key = models.PositiveIntegerField(default=0)
    # A scale value, a rank, a matrix row's scale value (whole numbers from 1; 0: none, e.g. a choice),
    # a number, or a date as its ordinal (date.toordinal()).
    value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    municipality_key = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("answer count")
        verbose_name_plural = _("answer counts")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "respondents", "option_key", "value", "municipality_key", "channel"],
                name="answer_count_key",
            ),
        ]
        # No CHECK (count >= 0): both databases check the row an upsert proposes before they see the
        # conflict, so an edit's decrement (a negative proposed count) would fail although the sum is fine.

    def __str__(self) -> str:
        return f"{self.question_id}/{self.option_key}/{self.value}: {self.count}"


class SurveyEvent(AuditEvent):
    """Append-only history of a survey: created, questions changed (with the note of a wording fix),
    published, results published, answers hidden, imports."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("survey history entry")
        verbose_name_plural = _("survey history")

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"


class ImportRun(models.Model):
    """An XLSX import of paper questionnaires: all rows or none, its progress and its errors."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Failed: nothing imported")
        DONE = "done", _("Imported")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    provenance = models.CharField(_("provenance"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("import of questionnaires")
        verbose_name_plural = _("imports of questionnaires")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.DONE)
