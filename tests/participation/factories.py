"""factory_boy factories for processes, phases, ideas and comments (the public pages' tests use them).

The factories leave rows as the services would: Markdown rendered, the search text filled, public ideas
published and counted in their process, visible comments counted in their idea.
"""

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.db.models import F
from django.utils import timezone

from smartregion.core.markdown import render_markdown
from smartregion.core.text import search_document
from smartregion.participation.models import (
    PUBLIC_IDEA_STATUSES,
    AssistedContribution,
    Channel,
    Comment,
    Idea,
    IdeaStatus,
    Phase,
    Process,
)
from smartregion.strategy.models import Domain

from ..factories import UserFactory


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Bereich {n}")
    slug = factory.Sequence(lambda n: f"bereich-{n}")


class ProcessFactory(factory.django.DjangoModelFactory):
    """A public process; ``phase`` ("before", "active", "after" or None) adds an idea collection then."""

    class Meta:
        model = Process
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Beteiligung {n}")
    slug = factory.Sequence(lambda n: f"beteiligung-{n}")
    summary = "Ideen für die Region"
    body = "Wir sammeln **Ideen**."
    body_html = factory.LazyAttribute(lambda process: render_markdown(process.body))
    visibility = Process.Visibility.PUBLIC

    @factory.post_generation
    def phase(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if create and extracted:
            PhaseFactory(process=self, state=extracted)


class PhaseFactory(factory.django.DjangoModelFactory):
    """A phase two days long, lying before, around or after now (``state``)."""

    class Meta:
        model = Phase
        exclude = ("state", "offset")

    process = factory.SubFactory(ProcessFactory)
    kind = Phase.Kind.IDEA_COLLECTION
    state = "active"
    offset = factory.LazyAttribute(
        lambda phase: {"before": 10, "active": 0, "after": -10}[phase.state] * datetime.timedelta(days=1)
    )
    starts_at = factory.LazyAttribute(
        lambda phase: timezone.now() + phase.offset - datetime.timedelta(days=1)
    )
    ends_at = factory.LazyAttribute(lambda phase: timezone.now() + phase.offset + datetime.timedelta(days=1))


class IdeaFactory(factory.django.DjangoModelFactory):
    """A published idea by a new person, in one domain."""

    class Meta:
        model = Idea
        skip_postgeneration_save = True

    process = factory.SubFactory(ProcessFactory, phase="active")
    title = factory.Sequence(lambda n: f"Idee Nummer {n}")
    body = "Ein **sicherer** Radweg zwischen Andernach und Weißenthurm."
    body_html = factory.LazyAttribute(lambda idea: render_markdown(idea.body))
    search_text = factory.LazyAttribute(lambda idea: search_document(idea.title, idea.body))
    author = factory.SubFactory(UserFactory)
    status = IdeaStatus.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda idea: None if idea.status in (IdeaStatus.SUBMITTED,) else timezone.now()
    )

    @factory.post_generation
    def domains(self, create: bool, extracted: list[Domain] | None, **kwargs: Any) -> None:
        if create:
            self.domains.set(extracted if extracted is not None else [DomainFactory()])

    @factory.post_generation
    def counted(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and self.status in PUBLIC_IDEA_STATUSES:
            Process.objects.filter(pk=self.process_id).update(idea_count=F("idea_count") + 1)


def assisted_idea(process: Process, *, recorded_by: Any, **fields: Any) -> Idea:
    """An idea staff recorded for a person who phoned, with that person's private data."""
    idea = IdeaFactory(process=process, author=None, channel=Channel.PHONE, **fields)
    AssistedContribution.objects.create(
        idea=idea,
        contributor_name="Hildegard Privatmann",
        contributor_contact="hildegard.privat@example.net, 02632 999111",
        consent_given_at=timezone.now(),
        recorded_by=recorded_by,
        public_attribution="Telefonsprechstunde Mayen",
    )
    return idea


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment
        skip_postgeneration_save = True

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(UserFactory)
    body = "Gute Idee, das brauchen wir!"
    body_html = factory.LazyAttribute(lambda comment: render_markdown(comment.body))

    @factory.post_generation
    def counted(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and self.is_visible:
            Idea.objects.filter(pk=self.idea_id).update(comment_count=F("comment_count") + 1)


INSIDE = (Decimal("50.43300"), Decimal("7.40000"))  # within 0.1° of the test municipalities (50.35, 7.40)
OUTSIDE = (Decimal("52.52000"), Decimal("13.40500"))  # Berlin
