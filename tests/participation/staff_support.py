"""Builders for the staff-side tests (moderation, intake, import, digest): plain functions, no fixtures,
so that the test modules stay independent of the other participation tests' conftest files."""

import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone

from smartregion.core.markdown import render_markdown
from smartregion.core.text import search_document
from smartregion.participation.models import Comment, Idea, IdeaStatus, Phase, Process
from smartregion.strategy.models import Domain

from ..factories import UserFactory


def make_domain(slug: str = "mobilitaet", name: str = "Mobilität", position: int = 0) -> Domain:
    domain, _created = Domain.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    return domain


def make_process(
    slug: str = "radverkehr", *, state: str = "active", domains: list[Domain] | None = None, **fields: Any
) -> Process:
    """A public process whose idea collection lies before, around or after now."""
    process = Process.objects.create(
        title=fields.pop("title", "Radverkehr in der Region"),
        slug=slug,
        summary="Ideen für sichere Radwege",
        visibility=fields.pop("visibility", Process.Visibility.PUBLIC),
        **fields,
    )
    offset = {"before": 10, "active": 0, "after": -10}[state]
    now = timezone.now()
    Phase.objects.create(
        process=process,
        kind=Phase.Kind.IDEA_COLLECTION,
        starts_at=now + datetime.timedelta(days=offset - 1),
        ends_at=now + datetime.timedelta(days=offset + 1),
    )
    process.domains.set(domains if domains is not None else [make_domain()])
    return process


def make_idea(
    process: Process,
    *,
    title: str = "Radweg an der B9",
    status: str = IdeaStatus.PUBLISHED,
    author: Any = "new",
    **fields: Any,
) -> Idea:
    """An idea as the services would leave it (derived fields filled, counted if public)."""
    body = fields.pop("body", "Ein sicherer Radweg zwischen Andernach und Weißenthurm.")
    idea = Idea.objects.create(
        process=process,
        title=title,
        body=body,
        body_html=render_markdown(body),
        search_text=search_document(title, body),
        author=UserFactory() if author == "new" else author,
        status=status,
        published_at=timezone.now() if status != IdeaStatus.SUBMITTED else None,
        **fields,
    )
    idea.domains.set(process.domains.all())
    if idea.is_public:
        Process.objects.filter(pk=process.pk).update(idea_count=F("idea_count") + 1)
        process.refresh_from_db()
    return idea


def make_comment(idea: Idea, *, author: Any = None, body: str = "Gute Idee!", **fields: Any) -> Comment:
    comment = Comment.objects.create(
        idea=idea, author=author or UserFactory(), body=body, body_html=render_markdown(body), **fields
    )
    if comment.is_visible:
        Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    return comment
