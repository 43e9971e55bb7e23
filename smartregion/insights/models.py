"""The search index: one row per searchable document, read by the engine's own full-text index.

SQLite keeps an FTS5 table of the public entries' stems (rowid = entry id, fed by triggers), PostgreSQL a
generated, weighted ``tsvector`` column with a GIN index; both come from raw-SQL migrations guarded by
vendor (migrations/0002_search_fulltext.py), so the model holds only what both databases share.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchKind(models.TextChoices):
    IDEA = "idea", _("Ideas")
    COMMENT = "comment", _("Comments")
    MEASURE = "measure", _("Measures")
    EVENT = "event", _("Events")


# An entry's id is its object's id times four plus its kind's code, so that the engines' index rows name
# their document without a join (SQLite: rowid >> 2 and rowid & 3).
KIND_CODES = {SearchKind.IDEA: 0, SearchKind.COMMENT: 1, SearchKind.MEASURE: 2, SearchKind.EVENT: 3}
KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}


def entry_id(kind: str, object_id: int) -> int:
    return object_id * 4 + KIND_CODES[SearchKind(kind)]


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
    """Every stem the index has seen: the vocabulary that "did you mean" picks a correction from."""

    term = models.CharField(max_length=100, primary_key=True)

    def __str__(self) -> str:
        return self.term
