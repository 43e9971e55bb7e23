"""What the insights store.

For the office and moderators only: trained category models and their suggestions, likely duplicate pairs,
and clusterings of a process's ideas; nothing of these is shown to the public.

The search index: one row per searchable document, read by the engine's own full-text index. SQLite keeps
an FTS5 table of the public entries' stems (rowid = entry id, fed by triggers), PostgreSQL a generated,
weighted ``tsvector`` column with a GIN index; both come from raw-SQL migrations guarded by vendor
(migrations/0002_search_fulltext.py), so the model holds only what both databases share.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CategoryModel(models.Model):
    """A trained classifier for a process's domains of life, pickled into the database (decision 0011).

    The database, not a file under MEDIA: it is backed up, replicated and removed with the process like
    everything else, and every worker and web node reads the same bytes. A model is ~1-5 MB.
    """

    process = models.ForeignKey(
        "participation.Process", verbose_name=_("process"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    pipeline_version = models.PositiveSmallIntegerField(_("pipeline version"))
    labels = models.JSONField(_("domain ids"), default=list)
    trained_on = models.PositiveIntegerField(_("labelled ideas trained on"))
    data = models.BinaryField(_("model"))
    created_at = models.DateTimeField(_("trained at"), auto_now_add=True)

    class Meta:
        verbose_name = _("category model")
        verbose_name_plural = _("category models")
        constraints = [
            models.UniqueConstraint(fields=["process", "version"], name="insights_categorymodel_version"),
        ]

    def __str__(self) -> str:
        return f"{self.process_id} v{self.version}"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")
    CORRECTED = "corrected", _("corrected")
    DISMISSED = "dismissed", _("dismissed")


class CategorySuggestion(models.Model):
    """The domains a model suggests for one idea, with a confidence each; a person decides."""

    idea = models.OneToOneField(
        "participation.Idea", verbose_name=_("idea"), on_delete=models.CASCADE, related_name="+"
    )
    model = models.ForeignKey(
        CategoryModel, verbose_name=_("model"), on_delete=models.CASCADE, related_name="+"
    )
    # [[domain id, confidence 0..1], ...], most confident first: the suggested set.
    suggested = models.JSONField(_("suggested domains"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("category suggestion")
        verbose_name_plural = _("category suggestions")
        indexes = [models.Index(fields=["status", "created_at"], name="insights_suggestion_open")]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.suggested}"


class PairStatus(models.TextChoices):
    OPEN = "open", _("open")
    DISMISSED = "dismissed", _("not a duplicate")
    MERGED = "merged", _("merged")


class DuplicatePair(models.Model):
    """Two ideas of one process that read alike; ``first`` always has the smaller id."""

    process = models.ForeignKey(
        "participation.Process", verbose_name=_("process"), on_delete=models.CASCADE, related_name="+"
    )
    first = models.ForeignKey("participation.Idea", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("participation.Idea", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("similarity"))
    status = models.CharField(_("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        verbose_name = _("likely duplicate")
        verbose_name_plural = _("likely duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="insights_duplicatepair_unique"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="insights_duplicatepair_order"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="insights_pair_score"),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="insights_pair_queue")]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score:.2f})"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


# The office may ask for this many clusters (without a number, the clustering chooses within the same bounds).
MIN_CLUSTERS = 2
MAX_CLUSTERS = 25


class ClusterRun(models.Model):
    """One clustering of a process's ideas, started by the office and computed by a task."""

    process = models.ForeignKey(
        "participation.Process", verbose_name=_("process"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress in percent"), default=0)
    idea_count = models.PositiveIntegerField(_("ideas"), default=0)
    # Set: the run clusters this survey question's free-text answers instead of the process's ideas.
    question = models.ForeignKey(
        "surveys.Question",
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Empty: the number of clusters is chosen by the silhouette (clustering.cluster).
    requested_clusters = models.PositiveSmallIntegerField(_("number of clusters"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("clustering")
        verbose_name_plural = _("clusterings")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="insights_clusterrun_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.process_id} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        """Done or failed: the page stops polling."""
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class Cluster(models.Model):
    """A group of similar ideas in one run, with its top terms and a short extractive summary."""

    run = models.ForeignKey(ClusterRun, on_delete=models.CASCADE, related_name="clusters")
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    terms = models.JSONField(_("top terms"), default=list)
    summary = models.JSONField(_("summary sentences"), default=list)
    measure = models.ForeignKey(
        "strategy.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    goal = models.ForeignKey(
        "strategy.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ClusterMember(models.Model):
    """An idea (or, in a run over a survey question, a free-text answer) in a cluster of a run (one cluster
    per run); ``centrality`` ranks representative members."""

    run = models.ForeignKey(ClusterRun, on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    idea = models.ForeignKey("participation.Idea", null=True, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey("surveys.Answer", null=True, on_delete=models.CASCADE, related_name="+")
    centrality = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "idea"], name="insights_member_once_per_run"),
            models.UniqueConstraint(fields=["run", "answer"], name="insights_answer_once_per_run"),
            models.CheckConstraint(
                condition=(Q(idea__isnull=False) & Q(answer__isnull=True))
                | (Q(idea__isnull=True) & Q(answer__isnull=False)),
                name="insights_member_idea_or_answer",
            ),
        ]
        indexes = [models.Index(fields=["cluster", "-centrality"], name="insights_member_rank")]

    def __str__(self) -> str:
        return f"{self.idea_id} in {self.cluster_id}"


class SearchKind(models.TextChoices):
    IDEA = "idea", _("Ideas")
    COMMENT = "comment", _("Comments")
    MEASURE = "measure", _("Measures")
    EVENT = "event", _("Events")
    ANSWER = "answer", _("Survey answers")


# An entry's id is its object's id shifted by KIND_BITS plus its kind's code, so that the engines' index rows
# name their document without a join (rowid >> KIND_BITS and rowid & KIND_MASK).
KIND_BITS = 3
KIND_MASK = (1 << KIND_BITS) - 1
KIND_CODES = {
    SearchKind.IDEA: 0,
    SearchKind.COMMENT: 1,
    SearchKind.MEASURE: 2,
    SearchKind.EVENT: 3,
    SearchKind.ANSWER: 4,
}
KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}


def entry_id(kind: str, object_id: int) -> int:
    return (object_id << KIND_BITS) + KIND_CODES[SearchKind(kind)]


class SearchEntry(models.Model):
    """A document as the index sees it: its text (for snippets) and its Snowball stems (for matching)."""

    id = models.BigIntegerField(primary_key=True)

    kind = models.CharField(max_length=10, choices=SearchKind.choices)
    object_id = models.PositiveIntegerField()
    # Copied filters, so that a search narrows inside the index instead of joining the content tables.
    process_id = models.PositiveIntegerField(null=True, blank=True)
    municipality_id = models.PositiveIntegerField(null=True, blank=True)
    is_public = models.BooleanField(default=False)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    title_stems = models.TextField(blank=True)
    body_stems = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SearchTerm(models.Model):
    """Every stem the index has seen: the vocabulary that "did you mean" picks a correction from, with the
    number of indexed documents holding it, from which similar ideas pick their most telling terms."""

    term = models.CharField(max_length=100, primary_key=True)
    documents = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.term
