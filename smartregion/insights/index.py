"""Writes to the search index: what each kind of content contributes, and whether the public may see it.

``index_update`` is idempotent and reads the content afresh, so a task run twice or late stores the same
rows. Visibility is decided here with the same rules as the content's public selectors; the search
views check it once more against the live rows before showing a snippet.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from smartregion.core.pagecache import pages_changed
from smartregion.events.models import Event
from smartregion.participation.apps import PAGES as PARTICIPATION_PAGES
from smartregion.participation.models import PUBLIC_IDEA_STATUSES, Comment, Idea, Process
from smartregion.strategy.models import Measure
from smartregion.surveys.models import TEXT_KINDS, Answer, Survey

from .models import SearchEntry, SearchKind, SearchTerm, entry_id
from .search import index_document

BATCH = 500


@dataclass(frozen=True)
class Document:
    object_id: int
    title: str
    body: str
    is_public: bool
    process_id: int | None = None
    municipality_id: int | None = None


def _idea_public(idea: Idea) -> bool:
    return idea.status in PUBLIC_IDEA_STATUSES and idea.process.visibility == Process.Visibility.PUBLIC


def _ideas(ids: Iterable[int]) -> Iterator[Document]:
    for idea in Idea.objects.filter(pk__in=ids).select_related("process"):
        yield Document(
            idea.pk, idea.title, idea.body, _idea_public(idea), idea.process_id, idea.municipality_id
        )


def _comments(ids: Iterable[int]) -> Iterator[Document]:
    for comment in Comment.objects.filter(pk__in=ids).select_related("idea__process"):
        public = comment.is_visible and _idea_public(comment.idea)
        yield Document(
            comment.pk,
            comment.idea.title,
            comment.body,
            public,
            comment.idea.process_id,
            comment.idea.municipality_id,
        )


def _measures(ids: Iterable[int]) -> Iterator[Document]:
    for measure in Measure.objects.filter(pk__in=ids):
        yield Document(measure.pk, measure.title, f"{measure.summary}\n{measure.body}", measure.is_published)


def _events(ids: Iterable[int]) -> Iterator[Document]:
    for event in Event.objects.filter(pk__in=ids):
        yield Document(
            event.pk,
            event.title,
            f"{event.summary}\n{event.description}",
            event.status != Event.Status.DRAFT,
            event.process_id,
            event.municipality_id,
        )


def _survey_results_public(survey: Survey) -> bool:
    # As surveys.selectors.published_surveys: a public survey of a public process, results published.
    return (
        survey.visibility == Survey.Visibility.PUBLIC
        and survey.process.visibility == Process.Visibility.PUBLIC
        and survey.results_published
    )


def _free_texts() -> models.QuerySet[Answer]:
    # Only the free texts of text questions: "other" texts of choice questions stay in the results.
    return Answer.objects.filter(question__kind__in=TEXT_KINDS, option__isnull=True).exclude(text="")


def _answers(ids: Iterable[int]) -> Iterator[Document]:
    answers = _free_texts().filter(pk__in=ids).select_related("question__survey__process", "response")
    for answer in answers:
        survey = answer.question.survey
        yield Document(
            answer.pk,
            answer.question.text,
            answer.text,
            not answer.hidden and _survey_results_public(survey),
            survey.process_id,
            answer.response.municipality_id,
        )


def survey_answer_ids(survey_id: int) -> list[int]:
    """The free-text answers of a survey that the index holds (its visibility decides whether public)."""
    return list(_free_texts().filter(question__survey_id=survey_id).values_list("pk", flat=True))


DOCUMENTS = {
    SearchKind.IDEA: _ideas,
    SearchKind.COMMENT: _comments,
    SearchKind.MEASURE: _measures,
    SearchKind.EVENT: _events,
    SearchKind.ANSWER: _answers,
}
MODELS: dict[SearchKind, type[models.Model]] = {
    SearchKind.IDEA: Idea,
    SearchKind.COMMENT: Comment,
    SearchKind.MEASURE: Measure,
    SearchKind.EVENT: Event,
    SearchKind.ANSWER: Answer,
}


def _term_documents(entries: models.QuerySet[SearchEntry]) -> Counter[str]:
    """How many of these entries hold each term."""
    counts: Counter[str] = Counter()
    for title_stems, body_stems in entries.values_list("title_stems", "body_stems"):
        counts.update(set(title_stems.split()) | set(body_stems.split()))
    return counts


def _vocabulary_update(changes: Counter[str]) -> None:
    """Add new terms to the vocabulary and move each term's document count by its change."""
    changes = Counter({term: change for term, change in changes.items() if change and len(term) <= 100})
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=term) for term, change in changes.items() if change > 0], ignore_conflicts=True
    )
    # One statement per distinct change: a single document's edit makes two (+1 and -1).
    by_change: dict[int, list[str]] = {}
    for term, change in changes.items():
        by_change.setdefault(change, []).append(term)
    for change, terms in by_change.items():
        SearchTerm.objects.filter(term__in=terms).update(documents=Greatest(F("documents") + change, 0))


def index_update(*, kind: str, ids: Iterable[int]) -> int:
    """Store the current text of these documents (and drop those that are gone); returns rows written."""
    ids = sorted(set(ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            documents = list(DOCUMENTS[SearchKind(kind)](batch))
            found = {document.object_id for document in documents}
            # The batch's documents as indexed before leave the term counts; as read now, they enter them.
            frequencies: Counter[str] = Counter()
            frequencies.subtract(_term_documents(SearchEntry.objects.filter(kind=kind, object_id__in=batch)))
            SearchEntry.objects.filter(kind=kind, object_id__in=set(batch) - found).delete()
            entries = []
            for document in documents:
                title_stems = index_document(document.title)
                body_stems = index_document(document.body)
                frequencies.update(set(title_stems.split()) | set(body_stems.split()))
                entries.append(
                    SearchEntry(
                        id=entry_id(kind, document.object_id),
                        kind=kind,
                        object_id=document.object_id,
                        process_id=document.process_id,
                        municipality_id=document.municipality_id,
                        is_public=document.is_public,
                        title=document.title[:300],
                        body=document.body,
                        title_stems=title_stems,
                        body_stems=body_stems,
                    )
                )
            # Replaced, not updated in place: one statement per batch, and the FTS5 triggers see a clean
            # delete and insert.
            SearchEntry.objects.filter(kind=kind, object_id__in=found).delete()
            SearchEntry.objects.bulk_create(entries)
            _vocabulary_update(frequencies)
            written += len(entries)
    # Idea lists and API answers with a search were cached from the old index: retire them (on commit).
    # Only ideas are searched there; a comment, measure or event must not retire every idea page
    # (decision 0012: a comment retires only its idea's page).
    if kind == SearchKind.IDEA:
        pages_changed(PARTICIPATION_PAGES)
    return written


def index_remove(*, kind: str, ids: Iterable[int]) -> None:
    """Drop deleted documents from the index."""
    with transaction.atomic():
        gone = SearchEntry.objects.filter(kind=kind, object_id__in=list(ids))
        changes: Counter[str] = Counter()
        changes.subtract(_term_documents(gone))
        _vocabulary_update(changes)
        gone.delete()


def index_process(*, process_id: int) -> None:
    """Re-index a process's ideas, comments and survey answers: its visibility decides whether they are
    public."""
    idea_ids = list(Idea.objects.filter(process_id=process_id).values_list("pk", flat=True))
    index_update(kind=SearchKind.IDEA, ids=idea_ids)
    comment_ids = Comment.objects.filter(idea__process_id=process_id).values_list("pk", flat=True)
    index_update(kind=SearchKind.COMMENT, ids=list(comment_ids))
    answer_ids = _free_texts().filter(question__survey__process_id=process_id).values_list("pk", flat=True)
    index_update(kind=SearchKind.ANSWER, ids=list(answer_ids))


def index_rebuild() -> dict[str, int]:
    """Index every document of every kind from scratch; returns the rows written per kind."""
    written = {}
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        SearchTerm.objects.all().delete()
    for kind, model in MODELS.items():
        ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        written[str(kind)] = index_update(kind=kind, ids=ids)
    return written
