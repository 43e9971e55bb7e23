"""Processes, ideas, comments and supports: the same selectors, services, rules and limits as the pages."""

from datetime import datetime
from typing import Any, Literal, cast

from django import forms
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from smartregion.network.models import Municipality
from smartregion.participation import selectors, services
from smartregion.participation.apps import PAGES
from smartregion.participation.forms import IdeaForm
from smartregion.participation.models import Channel, Comment, Idea, IdeaStatus, Process
from smartregion.participation.policy import (
    COMMENT_LIMIT,
    IDEA_ATTEMPT_LIMIT,
    IDEA_LIMIT,
    SUPPORT_LIMIT,
    quota_count,
    quota_used_up,
    refusal_for,
)
from smartregion.strategy.models import Domain

from ..auth import WRITE_AUTH
from ..pagination import MAX_LIMIT, keyset_page
from ..problems import ApiProblem
from ..schemas import (
    CommentIn,
    CommentList,
    CommentOut,
    Cursor,
    IdeaIn,
    IdeaList,
    IdeaOut,
    ProcessOut,
    Slug,
    SupportOut,
)
from .common import (
    LIMIT_DESCRIPTION,
    PUBLIC,
    READ_ERRORS,
    WRITE_ERRORS,
    cached,
    enforce,
    envelope,
    known_slugs,
    page_limit,
    person,
)

router = Router(tags=["Beteiligung"])

SORT_KINDS = {
    "published_at": datetime,
    "support_count": int,
    "comment_count": int,
    "random_key": int,
    "search_position": int,
    "id": int,
}


# --- Processes -----------------------------------------------------------------------------------------


@router.get("/processes", response={200: list[ProcessOut], **READ_ERRORS}, summary="Beteiligungsverfahren")
@cached(PAGES)
def processes(request: HttpRequest) -> Any:
    return selectors.process_list(viewer=PUBLIC)


@router.get("/processes/{slug}", response={200: ProcessOut, **READ_ERRORS}, summary="Ein Verfahren")
@cached(PAGES)
def process(request: HttpRequest, slug: Slug) -> Any:
    return get_object_or_404(selectors.process_list(viewer=PUBLIC), slug=slug)


# --- Ideas ---------------------------------------------------------------------------------------------


class IdeaQuery(Schema):
    process: Slug | None = NinjaField(default=None, description="Kurzname eines Verfahrens")
    domain: Slug | None = NinjaField(default=None, description="Kurzname eines Lebensbereichs")
    municipality: Slug | None = NinjaField(default=None, description="Kurzname einer Kommune")
    status: IdeaStatus | None = NinjaField(default=None, description="Nur öffentliche Status finden Ideen")
    channel: Channel | None = None
    q: Slug | None = NinjaField(
        default=None,
        description="Volltextsuche (deutsche Wortformen, alle Wörter); höchstens die 1000 besten Treffer",
    )
    sort: Literal["relevance", "newest", "supported", "discussed", "random"] | None = NinjaField(
        default=None, description="Vorgabe: relevance mit q, sonst newest"
    )
    seed: int = NinjaField(default=1, ge=1, le=1_000_000, description="Mischung für sort=random")
    cursor: Cursor | None = None
    limit: int | None = NinjaField(default=None, ge=1, le=MAX_LIMIT, description=LIMIT_DESCRIPTION)


@router.get("/ideas", response={200: IdeaList, **READ_ERRORS}, summary="Ideen")
@cached(PAGES)
def ideas(request: HttpRequest, query: Query[IdeaQuery]) -> Any:
    known_slugs(
        process=(query.process, selectors.process_list(viewer=PUBLIC)),
        domain=(query.domain, Domain.objects.all()),
        municipality=(query.municipality, Municipality.objects.all()),
    )
    sort = query.sort or ("relevance" if query.q else "newest")
    if sort == "relevance" and not query.q:
        sort = "newest"
    filters = selectors.IdeaFilters(
        domain=query.domain or "",
        municipality=query.municipality or "",
        status=query.status or "",
        channel=query.channel or "",
        q=query.q or "",
        sort=sort,
        seed=query.seed,
    )
    rows = selectors.idea_list(viewer=PUBLIC, filters=filters)
    if query.process:
        rows = rows.filter(process__slug=query.process)
    order = selectors.SORTS[sort]
    page = keyset_page(
        rows,
        sort=sort,
        order=order,
        kinds=SORT_KINDS,
        cursor=query.cursor,
        limit=page_limit(query.limit),
    )
    return envelope(request, page, rows.count())


def _public_idea(pk: int) -> Idea:
    return get_object_or_404(selectors.idea_list(viewer=PUBLIC, filters=selectors.IdeaFilters()), pk=pk)


@router.get("/ideas/{idea_id}", response={200: IdeaOut, **READ_ERRORS}, summary="Eine Idee")
@cached(PAGES)
def idea(request: HttpRequest, idea_id: int) -> Any:
    return _public_idea(idea_id)


class CommentQuery(Schema):
    cursor: Cursor | None = None
    limit: int | None = NinjaField(default=None, ge=1, le=MAX_LIMIT, description=LIMIT_DESCRIPTION)


@router.get(
    "/ideas/{idea_id}/comments", response={200: CommentList, **READ_ERRORS}, summary="Kommentare einer Idee"
)
@cached(PAGES)
def idea_comments(request: HttpRequest, idea_id: int, query: Query[CommentQuery]) -> Any:
    idea = _public_idea(idea_id)
    rows = Comment.objects.filter(idea=idea).select_related("author")
    page = keyset_page(
        rows, sort="id", order=("id",), kinds={"id": int}, cursor=query.cursor, limit=page_limit(query.limit)
    )
    return envelope(request, page, rows.count())


# --- Writing -------------------------------------------------------------------------------------------


class _IdeaForm(IdeaForm):
    """The page's idea form, naming domains and municipalities by slug as the API does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["domains"]).to_field_name = "slug"
        cast(forms.ModelChoiceField, self.fields["municipality"]).to_field_name = "slug"


def _refuse(user: Any, action: str, process: Process, idea: Idea | None = None) -> None:
    """Raise the page's reason when the rules say no (a closed idea is a conflict: 409)."""
    refusal = refusal_for(user, action, process, idea)
    if refusal is not None:
        raise ApiProblem(409 if refusal.status == 400 else refusal.status, refusal.message)


@router.post(
    "/ideas",
    auth=WRITE_AUTH,
    response={201: IdeaOut, **WRITE_ERRORS},
    summary="Eine Idee einreichen",
)
def create_idea(request: HttpRequest, payload: IdeaIn) -> Any:
    user = person(request)
    # As on the page: every attempt counts against the generous limit, only stored ideas against IDEA_LIMIT.
    enforce(request, IDEA_ATTEMPT_LIMIT)
    process = selectors.process_list(viewer=user).filter(slug=payload.process).first()
    if process is None:
        raise ApiProblem(
            422, _("Please check your input."), errors=[("process", _("There is no such process."))]
        )
    _refuse(user, "propose", process)
    data: dict[str, Any] = {
        "title": payload.title,
        "body": payload.body,
        "domains": payload.domains,
        "municipality": payload.municipality or "",
        "latitude": "" if payload.latitude is None else str(payload.latitude),
        "longitude": "" if payload.longitude is None else str(payload.longitude),
    }
    form = _IdeaForm(data, process=process)
    if not form.is_valid():
        errors = [(field, str(message)) for field, messages in form.errors.items() for message in messages]
        raise ApiProblem(422, _("Please check your input."), errors=errors)
    if quota_used_up(request, IDEA_LIMIT):
        raise Ratelimited()
    created = services.idea_create(author=user, process=process, **form.service_arguments())
    quota_count(request, IDEA_LIMIT)
    return Status(201, selectors.idea_get(pk=created.pk))


def _idea_for_action(idea_id: int) -> Idea:
    try:
        idea = selectors.idea_get_for_action(pk=idea_id)
    except Idea.DoesNotExist:
        idea = None
    if idea is None or not PUBLIC.has_perm("participation.view_idea", idea):
        raise ApiProblem(404, _("There is nothing at this address."))
    return idea


def _support(request: HttpRequest, idea_id: int, *, add: bool) -> Any:
    user = person(request)
    enforce(request, SUPPORT_LIMIT)
    idea = _idea_for_action(idea_id)
    _refuse(user, "support", idea.process, idea)
    if add:
        services.support_add(user=user, idea=idea)
    else:
        services.support_withdraw(user=user, idea=idea)
    return {"idea": idea.pk, "supported": add, "support_count": idea.support_count}


@router.put(
    "/ideas/{idea_id}/support",
    auth=WRITE_AUTH,
    response={200: SupportOut, **WRITE_ERRORS},
    summary="Eine Idee unterstützen (idempotent)",
)
def support(request: HttpRequest, idea_id: int) -> Any:
    return _support(request, idea_id, add=True)


@router.delete(
    "/ideas/{idea_id}/support",
    auth=WRITE_AUTH,
    response={200: SupportOut, **WRITE_ERRORS},
    summary="Die Unterstützung zurückziehen (idempotent)",
)
def withdraw_support(request: HttpRequest, idea_id: int) -> Any:
    return _support(request, idea_id, add=False)


@router.post(
    "/ideas/{idea_id}/comments",
    auth=WRITE_AUTH,
    response={201: CommentOut, **WRITE_ERRORS},
    summary="Kommentieren oder antworten",
)
def create_comment(request: HttpRequest, idea_id: int, payload: CommentIn) -> Any:
    user = person(request)
    enforce(request, COMMENT_LIMIT)
    idea = _idea_for_action(idea_id)
    _refuse(user, "comment", idea.process, idea)
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(pk=payload.parent, idea=idea).first()
        if parent is None:
            raise ApiProblem(
                422,
                _("Please check your input."),
                errors=[("parent", _("You can only reply to a top-level comment of this idea."))],
            )
    comment = services.comment_create(author=user, idea=idea, body=payload.body, parent=parent)
    return Status(201, Comment.objects.select_related("author").get(pk=comment.pk))
