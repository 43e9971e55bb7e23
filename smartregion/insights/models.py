"""The search index: one row per searchable document, read by the engine's own full-text index.

SQLite keeps an FTS5 table over ``title_stems``/``body_stems`` (rowid = entry id, fed by triggers), PostgreSQL
a generated, weighted ``tsvector`` column with a GIN index; both come from raw-SQL migrations guarded by vendor
(migrations/0002_search_fulltext.py), so the model holds only what both databases share.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchKind(models.TextChoices):
    IDEA = "idea", _("Ideas")
    COMMENT = "comment", _("Comments")
    MEASURE = "measure", _("Measures")
    EVENT = "event", _("Events")


class SearchEntry(models.Model):
    """A document as the index sees it: its text (for snippets) and its Snowball stems (for matching)."""

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
    """Every stem the index has seen: the vocabulary that "did you mean" picks a correction from."""

    term = models.CharField(max_length=100, primary_key=True)

    def __str__(self) -> str:
        return self.term
