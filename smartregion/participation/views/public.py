"""Public participation pages: processes, ideas, supports, comments, reports, follows, notifications.

Views parse, authorize, call one service or selector, and render. Whether a person may act is asked of
the rules (``user.has_perm``) before a form is shown, and the services ask again before they write.
Where the answer is no, the page says why (``policy.refusal_for``). A POST the rules refuse is answered
403 with that reason, except when the idea itself is closed: that is a fact on the page the person posted
from, so it is answered like other bad input, 400 with the page and the message. Service ValidationErrors
go back onto the form with status 400; bad input never ends in a 500. Successful POSTs redirect back with a
message (post/redirect/get); support and follow buttons also answer htmx with a partial.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import truncatewords
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from smartregion.accounts.models import User
from smartregion.core.forms import add_service_error
from smartregion.core.pagecache import address_key, cache_public_page, cached_fragment
from smartregion.core.templatetags.core import plain_text
from smartregion.insights.selectors import similar_ideas
from smartregion.network.selectors import municipality_geojson, municipality_list
from smartregion.strategy import selectors as strategy_selectors
from smartregion.strategy.selectors import domain_list

from .. import selectors, services, tasks
from ..apps import PAGES, idea_scope
from ..forms import CommentEditForm, CommentForm, IdeaFilterForm, IdeaForm, ReportForm
from ..models import AssistedContribution, Comment, Feature, Idea, IdeaStatus, Phase, Process
from ..policy import (
    COMMENT_LIMIT,
    FOLLOW_LIMIT,
    IDEA_ATTEMPT_LIMIT,
    IDEA_LIMIT,
    NOTIFICATION_LIMIT,
    REPORT_LIMIT,
    SUPPORT_LIMIT,
    UNSUBSCRIBE_LIMIT,
    RateLimit,
    Refusal,
    attempt_limited,
    block_refusal,
    quota_count,
    quota_used_up,
    refusal_for,
)
from ..rules import COMMENT_EDIT_WINDOW, active_features

PAGE_SIZE = 20
RANDOM_SEED_SESSION_KEY = "participation_random_seed"


View = Callable[..., HttpResponse]


def _post_limits(limit: RateLimit) -> Callable[[View], View]:
    """Rate-limit POSTs per person and per IP address; RatelimitMiddleware answers the excess with 429."""

    def decorate(view: View) -> View:
        limited = ratelimit(group=limit.group, key="ip", rate=limit.ip_rate, method="POST", block=True)(view)
        if limit.user_rate:
            limited = ratelimit(
                group=limit.group, key="user", rate=limit.user_rate, method="POST", block=True
            )(limited)
        return cast(View, limited)

    return decorate


def _in_random_order(request: HttpRequest) -> bool:
    """A random order is the visitor's own (its seed lives in the session), so it is never cached."""
    return request.GET.get("sort") == "random"


def _person(request: HttpRequest) -> User:
    """The signed-in person (views using this are behind login_required)."""
    return cast(User, request.user)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _forbidden(request: HttpRequest, refusal: Refusal, *, back: str, back_label: str) -> HttpResponse:
    """The page that says why something is not possible (status 403 unless the refusal says otherwise)."""
    if _is_htmx(request):
        # htmx does not swap error responses; send the browser to the page that explains it.
        messages.error(request, refusal.message)
        response = HttpResponse(status=refusal.status)
        response["HX-Redirect"] = back
        return response
    return render(
        request,
        "participation/not_allowed.html",
        {"reason": refusal.message, "back": back, "back_label": back_label},
        status=refusal.status,
    )


# --- Processes ---------------------------------------------------------------------------------------


@require_GET
@cache_public_page(PAGES)
def process_list(request: HttpRequest) -> HttpResponse:
    """The participation processes the person may see, each with where it stands."""
    processes = [
        (process, selectors.phase_timeline(process))
        for process in selectors.process_list(viewer=request.user)
    ]
    return render(request, "participation/process_list.html", {"processes": processes})


def _process_or_404(request: HttpRequest, slug: str) -> Process:
    try:
        return selectors.process_get(viewer=request.user, slug=slug)
    except Process.DoesNotExist as error:
        raise Http404(_("This participation process does not exist.")) from error


def _page(request: HttpRequest, items: Any) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _phase_steps(timeline: selectors.PhaseTimeline) -> list[dict[str, Any]]:
    """Each phase with its state ("past", "current" or "upcoming") for the ordered list of phases."""
    now = timezone.now()

    def state(phase: Phase) -> str:
        if phase == timeline.current:
            return "current"
        return "past" if phase.ends_at <= now else "upcoming"

    return [{"phase": phase, "state": state(phase)} for phase in timeline.phases]


@require_GET
@cache_public_page(PAGES)
def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A process: what it is about, its phases, what one can do now, and its ideas."""
    process = _process_or_404(request, slug)
    user = request.user
    features = active_features(process)
    ideas = selectors.idea_list(viewer=user, filters=selectors.IdeaFilters(process=process))
    timeline = selectors.phase_timeline(process)
    return render(
        request,
        "participation/process_detail.html",
        {
            "process": process,
            "timeline": timeline,
            "phases": _phase_steps(timeline),
            "can_propose_now": Feature.PROPOSE in features,
            "can_comment_now": Feature.COMMENT in features,
            "can_support_now": Feature.SUPPORT in features,
            "propose_refusal": refusal_for(user, "propose", process),
            "may_record": user.has_perm("participation.record_idea", process),
            "may_follow": user.has_perm("participation.follow", process),
            "following": selectors.is_following_process(user=user, process=process),
            "page": _page(request, ideas),
        },
    )


@login_required
@require_POST
@_post_limits(FOLLOW_LIMIT)
def process_follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow a process (be told about new ideas) or stop following it."""
    process = _process_or_404(request, slug)
    action = request.POST.get("action")
    if action not in ("follow", "unfollow"):
        return render(request, "400.html", status=400)
    services.follow_set(user=_person(request), following=action == "follow", process=process)
    if action == "follow":
        messages.success(request, _("You follow this process and will be told about new ideas."))
    else:
        messages.success(request, _("You no longer follow this process."))
    return redirect(process.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def idea_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Submit an idea online to a process whose idea collection runs.

    The rate limits count stored ideas (IDEA_LIMIT) and, more generously, all submissions
    (IDEA_ATTEMPT_LIMIT); beyond either the form comes back with what was typed and status 429.
    """
    process = _process_or_404(request, slug)
    user = _person(request)
    back = process.get_absolute_url()
    if refusal := refusal_for(user, "propose", process):
        return _forbidden(request, refusal, back=back, back_label=_("Back to the process"))
    posted = request.method == "POST"
    if posted and "show_similar" in request.POST:
        # Without JavaScript the similar ideas come with this button: the form is shown again as typed,
        # nothing is stored or validated yet (a chosen photo must be chosen again).
        form = IdeaForm(process=process)
        form.initial = {
            name: request.POST.getlist(name)
            if isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField))
            else request.POST[name]
            for name, field in form.fields.items()
            if name in request.POST
        }
        return render(
            request,
            "participation/idea_form.html",
            {
                "process": process,
                "form": form,
                "place_geojson": municipality_geojson(municipality_list()),
                "similar_ideas": _similar(process, request),
                "asked": True,
            },
        )
    form = IdeaForm(request.POST if posted else None, request.FILES if posted else None, process=process)
    limited = posted and attempt_limited(request, IDEA_ATTEMPT_LIMIT)
    if posted and not limited and form.is_valid():
        limited = quota_used_up(request, IDEA_LIMIT)
    if limited:
        messages.error(
            request,
            _(
                "You have submitted many ideas in a short time. Please wait a while and send the form again: "
                "what you typed is kept below (a photo must be chosen again)."
            ),
        )
    elif posted and form.is_valid():
        try:
            idea = services.idea_create(author=user, process=process, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied:
            # The phase ended or a block began between showing the form and sending it.
            refusal = refusal_for(user, "propose", process) or Refusal(_("You may not do this."))
            return _forbidden(request, refusal, back=back, back_label=_("Back to the process"))
        else:
            quota_count(request, IDEA_LIMIT)
            if idea.status == IdeaStatus.PUBLISHED:
                messages.success(request, _("Thank you! Your idea is published."))
            else:
                messages.success(
                    request,
                    _("Thank you! Your idea will be published as soon as a moderator has looked at it."),
                )
            return redirect(idea.get_absolute_url())
    return render(
        request,
        "participation/idea_form.html",
        {
            "process": process,
            "form": form,
            "place_geojson": municipality_geojson(municipality_list()),
            "similar_ideas": _similar(process, request) if posted else [],
            "asked": posted,
        },
        status=429 if limited else 400 if form.errors else 200,
    )


def _similar(process: Process, request: HttpRequest) -> list[Idea]:
    """The published ideas of the process most like the posted title and text (insights)."""
    text = f"{request.POST.get('title', '')[:150]}\n{request.POST.get('body', '')[:10000]}"
    return similar_ideas(process=process, text=text)


# --- Idea list, map, GeoJSON ------------------------------------------------------------------------


def _filter_form(request: HttpRequest) -> IdeaFilterForm:
    """The filter form bound to the query string, with the choices of public processes, domains, places."""
    processes = list(
        selectors.process_list(viewer=request.user)
        .filter(visibility=Process.Visibility.PUBLIC)
        .prefetch_related(None)
        .only("slug", "title")
    )
    return IdeaFilterForm(
        request.GET or None,
        processes=processes,
        domains=list(domain_list()),
        municipalities=list(municipality_list()),
    )


def _filters(request: HttpRequest, form: IdeaFilterForm) -> selectors.IdeaFilters:
    """The form's filters; the random order gets a seed kept in the session, so pages do not reshuffle."""
    seed = 1
    if form.is_random:
        seed = request.session.get(RANDOM_SEED_SESSION_KEY, 0)
        if not seed:
            # Written once: a session that changes on every page view would be saved on every page view.
            seed = secrets.randbelow(selectors.RANDOM_MODULUS) + 1
            request.session[RANDOM_SEED_SESSION_KEY] = seed
    return form.filters(seed=seed)


def _idea_list_body(request: HttpRequest) -> dict[str, Any]:
    """The idea list's content (filters, results, page links) and its status: the same for everybody."""
    form = _filter_form(request)
    ideas = selectors.idea_list_pages(viewer=request.user, filters=_filters(request, form))
    html = render_to_string(
        "participation/_idea_list_body.html", {"form": form, "page": _page(request, ideas)}, request
    )
    return {"html": html, "status": 400 if form.errors else 200}


@require_GET
@cache_public_page(PAGES, unless=_in_random_order)
def idea_list(request: HttpRequest) -> HttpResponse:
    """All public ideas, filtered, searched, sorted and paged; the filters work as a plain GET form.

    Everything but the layout is the same for everybody who asks for this address, signed in or not (the
    list names no person's own supports): it is a shared fragment, rendered once per PAGE_CACHE_SECONDS,
    except for the random order, whose seed is the visitor's own.
    """
    if _in_random_order(request):
        body = _idea_list_body(request)
    else:
        body = cached_fragment(
            PAGES,
            f"idea-list:{address_key(request)}",
            partial(_idea_list_body, request),
            person=request.user.pk if request.user.is_authenticated else None,
        )
    return render(
        request,
        "participation/idea_list.html",
        # render_to_string's SafeString stays one through the cache (pickled with its class).
        {"content": body["html"]},
        status=body["status"],
    )


def _located(request: HttpRequest, form: IdeaFilterForm) -> dict[str, Any]:
    """The filtered ideas that have a place, as GeoJSON; idea_geojson picks its own few columns."""
    ideas = selectors.idea_list(viewer=request.user, filters=_filters(request, form))
    return selectors.idea_geojson(ideas.select_related(None).prefetch_related(None))


@require_GET
@cache_public_page(PAGES)
def idea_map(request: HttpRequest) -> HttpResponse:
    """The located ideas on a map, with a table of the same ideas for everyone who cannot use the map."""
    form = _filter_form(request)
    geojson = _located(request, form)
    rows = [
        {
            "title": feature["properties"]["name"],
            "url": feature["properties"]["url"],
            "status": IdeaStatus(feature["properties"]["status"]).label,
            "supports": feature["properties"]["supports"],
        }
        for feature in geojson["features"]
    ]
    return render(
        request,
        "participation/idea_map.html",
        {"form": form, "geojson": geojson, "rows": rows},
        status=400 if form.errors else 200,
    )


@require_GET
@cache_public_page(PAGES)
def idea_geojson(request: HttpRequest) -> JsonResponse:
    """The located public ideas as GeoJSON (RFC 7946), with the idea list's filters."""
    form = _filter_form(request)
    geojson = _located(request, form)
    if form.errors:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return JsonResponse(geojson, content_type="application/geo+json")


# --- One idea ----------------------------------------------------------------------------------------


def _idea_or_404(request: HttpRequest, pk: int, *, whole: bool = True) -> Idea:
    """The idea if the person may see it, else 404 (no hint it exists): with everything its page reads, or
    without ``whole`` only with what permission checks and services read."""
    try:
        idea = selectors.idea_get(pk=pk) if whole else selectors.idea_get_for_action(pk=pk)
    except Idea.DoesNotExist as error:
        raise Http404(_("This idea does not exist.")) from error
    if not request.user.has_perm("participation.view_idea", idea):
        raise Http404(_("This idea does not exist."))
    return idea


@dataclass(frozen=True)
class FailedForm:
    """A form on the idea page that came back with errors: which one (kind, comment) and its data."""

    kind: str  # "comment", "reply", "edit", "report_comment" or "report_idea"
    form: forms.Form
    target: int | None = None


@dataclass
class CommentItem:
    """A comment with what the person may do with it, its replies, and its form that came back with errors."""

    comment: Comment
    can_edit: bool
    can_delete: bool
    can_report: bool
    can_reply: bool
    replies: list["CommentItem"] = field(default_factory=list)
    reply_form: forms.Form | None = None
    edit_form: forms.Form | None = None
    report_form: forms.Form | None = None


def _comment_item(
    user: Any,
    comment: Comment,
    *,
    may_comment: bool,
    may_report: bool,
    failed: FailedForm | None,
    replies: Any = (),
) -> CommentItem:
    """A comment with what the person may do with it; only one's own comments need the (query-free) rules."""

    def failed_form(kind: str) -> forms.Form | None:
        return failed.form if failed and failed.kind == kind and failed.target == comment.pk else None

    own = user.is_authenticated and comment.author_id == user.pk
    return CommentItem(
        comment=comment,
        can_edit=own and user.has_perm("participation.edit_comment", comment),
        can_delete=own and user.has_perm("participation.delete_comment", comment),
        can_report=may_report and not own and comment.is_visible,
        can_reply=may_comment and comment.parent_id is None and comment.is_visible,
        replies=[
            _comment_item(user, reply, may_comment=may_comment, may_report=may_report, failed=failed)
            for reply in replies
        ],
        reply_form=failed_form("reply"),
        edit_form=failed_form("edit"),
        report_form=failed_form("report_comment"),
    )


@dataclass(frozen=True)
class ThreadView:
    """What the comment thread offers the person: the same for everybody with the same flags, apart from
    the person's own comments (and everything for moderators, whose actions carry CSRF tokens)."""

    may_comment: bool
    may_report: bool
    may_moderate: bool
    failed: FailedForm | None


def _thread_rendered(request: HttpRequest | None, user: Any, idea: Idea, view: ThreadView) -> str:
    """The thread as ``user`` sees it; without ``request`` it holds no CSRF token (no form posts)."""
    items = [
        _comment_item(
            user,
            comment,
            may_comment=view.may_comment,
            may_report=view.may_report,
            failed=view.failed,
            replies=comment.replies.all(),
        )
        for comment in selectors.idea_comment_thread(idea=idea)
    ]
    return render_to_string(
        "participation/_comment_thread.html",
        {"comments": items, "may_moderate_comments": view.may_moderate, **_comment_context()},
        request,
    )


def _comment_context() -> dict[str, Any]:
    return {"edit_minutes": int(COMMENT_EDIT_WINDOW.total_seconds() // 60)}


def _thread_html(request: HttpRequest, idea: Idea, view: ThreadView, *, has_own_comments: bool) -> str:
    """The comment thread: a fragment shared by everybody with the same reply and report links, with the
    person's own comments (correct, delete, no report) rendered for her and put in their places."""
    user = request.user
    if view.may_moderate or view.failed is not None:
        return _thread_rendered(request, user, idea, view)
    shared = cached_fragment(
        PAGES,
        f"idea-thread:{idea.pk}:{int(view.may_comment)}{int(view.may_report)}",
        partial(_thread_rendered, None, AnonymousUser(), idea, view),
        scope=idea_scope(idea.pk),
    )
    if not has_own_comments:
        return shared
    for comment in selectors.idea_comments_by(idea=idea, author=user):
        start = shared.find(f'<article id="comment-{comment.pk}"')
        if start < 0:
            # A fragment from before her comment (another worker's local cache): render it all for her.
            return _thread_rendered(request, user, idea, view)
        end = shared.index("</article>", start) + len("</article>")
        item = _comment_item(
            user, comment, may_comment=view.may_comment, may_report=view.may_report, failed=None
        )
        own = render_to_string(
            "participation/_comment.html",
            {"item": item, "reply": comment.parent_id is not None, **_comment_context()},
            request,
        )
        shared = mark_safe(shared[:start] + own.strip() + shared[end:])  # noqa: S308 (both rendered by templates)
    return shared


def _idea_shared_parts(pk: int) -> dict[str, str]:
    """What the idea page shows the same to everybody: its notes, facts, history and description."""
    idea = selectors.idea_get(pk=pk)
    context = {"idea": idea, "measure_links": strategy_selectors.idea_measure_links(idea=idea)}
    parts = {
        name: render_to_string(f"participation/_idea_{name}.html", context)
        for name in ("notes", "facts", "history")
    }
    return {**parts, "description": truncatewords(plain_text(idea.body_html), 30)}


def _idea_page(
    request: HttpRequest, idea: Idea, *, failed: FailedForm | None = None, status: int = 200, error: str = ""
) -> HttpResponse:
    """The idea page; after a failed POST with that form's errors (and status 400).

    ``idea`` needs only what permission checks read (selectors.idea_get_for_action): what the page shows
    the same to everybody comes from a fragment shared by all its readers, signed in or not.
    """
    user = request.user
    support_refusal = refusal_for(user, "support", idea.process, idea)
    comment_refusal = refusal_for(user, "comment", idea.process, idea)
    may_report = user.has_perm("participation.report")
    # Moderation rights follow the idea's municipality, the same for all its comments: asked once, with the
    # idea, so that no comment has to load its idea for the rule.
    may_moderate_comments = user.has_perm("participation.moderate_comment", idea)
    marks = selectors.idea_reader_marks(user=user, idea=idea)
    thread = _thread_html(
        request,
        idea,
        ThreadView(
            may_comment=comment_refusal is None,
            may_report=may_report,
            may_moderate=may_moderate_comments,
            failed=failed,
        ),
        has_own_comments=bool(marks.comment_ids),
    )
    return render(
        request,
        "participation/idea_detail.html",
        {
            "idea": idea,
            "shared": cached_fragment(
                PAGES, f"idea:{idea.pk}", partial(_idea_shared_parts, idea.pk), scope=idea_scope(idea.pk)
            ),
            "supported": marks.supported,
            "following": marks.following,
            "support_refusal": support_refusal,
            "comment_refusal": comment_refusal,
            "may_report": may_report,
            "may_follow": user.has_perm("participation.follow", idea),
            "may_moderate_idea": user.has_perm("participation.moderate_idea", idea),
            "may_redact_idea": user.has_perm("participation.redact_idea", idea),
            "thread": thread,
            "failed": failed,
            "error": error,
            # Without map tiles, one lone point on an empty map tells nothing the coordinates do not.
            "geojson": selectors.idea_geojson(Idea.objects.filter(pk=idea.pk))
            if idea.has_location and settings.MAP_TILE_URL
            else None,
        },
        status=status,
    )


@require_GET
@cache_public_page(PAGES, scope=idea_scope)
def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An idea with its status and history, supports, and the discussion."""
    return _idea_page(request, _idea_or_404(request, pk, whole=False))


def _back_to(idea: Idea, anchor: str = "") -> str:
    return idea.get_absolute_url() + (f"#{anchor}" if anchor else "")


def _partial(request: HttpRequest, template: str, idea: Idea, **context: Any) -> HttpResponse:
    """The htmx answer of a toggle: the updated box, and its message for the page's status region."""
    return render(request, template, {"idea": idea, "partial": True, **context})


@login_required
@require_POST
@_post_limits(SUPPORT_LIMIT)
def idea_support(request: HttpRequest, pk: int) -> HttpResponse:
    """Support an idea (action=add) or withdraw the support (action=withdraw)."""
    idea = _idea_or_404(request, pk, whole=False)
    user = _person(request)
    action = request.POST.get("action")
    if action not in ("add", "withdraw"):
        return render(request, "400.html", status=400)
    refusal = refusal_for(user, "support", idea.process, idea)
    if refusal is None:
        try:
            if action == "add":
                services.support_add(user=user, idea=idea)
            else:
                services.support_withdraw(user=user, idea=idea)
        except PermissionDenied:
            refusal = refusal_for(user, "support", idea.process, idea) or Refusal(_("You may not do this."))
    if refusal is not None:
        if refusal.status == 400 and not _is_htmx(request):
            return _idea_page(request, _idea_or_404(request, pk), status=400, error=refusal.message)
        return _forbidden(request, refusal, back=_back_to(idea), back_label=_("Back to the idea"))
    done = _("Thank you! Your support is counted.") if action == "add" else _("Your support is withdrawn.")
    if _is_htmx(request):
        return _partial(
            request, "participation/_support.html", idea, supported=action == "add", support_message=done
        )
    messages.success(request, done)
    return redirect(_back_to(idea, "support"))


@login_required
@require_POST
@_post_limits(FOLLOW_LIMIT)
def idea_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow an idea (be told about its status and new comments) or stop following it."""
    idea = _idea_or_404(request, pk, whole=False)
    action = request.POST.get("action")
    if action not in ("follow", "unfollow"):
        return render(request, "400.html", status=400)
    following = action == "follow"
    services.follow_set(user=_person(request), following=following, idea=idea)
    if following:
        done = _("You follow this idea and will be told about its status and new comments.")
    else:
        done = _("You no longer follow this idea.")
    if _is_htmx(request):
        return _partial(
            request,
            "participation/_follow.html",
            idea,
            may_follow=True,
            following=following,
            follow_message=done,
        )
    messages.success(request, done)
    return redirect(_back_to(idea, "follow"))


@login_required
@require_POST
@_post_limits(REPORT_LIMIT)
def idea_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report an idea to the moderators."""
    idea = _idea_or_404(request, pk)
    user = _person(request)
    if refusal := block_refusal(user):
        return _forbidden(request, refusal, back=_back_to(idea), back_label=_("Back to the idea"))
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_create(reporter=user, idea=idea, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Thank you. The moderators will look at your report."))
            return redirect(_back_to(idea))
    return _idea_page(request, idea, failed=FailedForm("report_idea", form), status=400)


# --- Comments ----------------------------------------------------------------------------------------


@login_required
@require_POST
@_post_limits(COMMENT_LIMIT)
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Comment on an idea, or reply to one of its top-level comments (``parent``)."""
    idea = _idea_or_404(request, pk)
    user = _person(request)
    refusal = refusal_for(user, "comment", idea.process, idea)
    if refusal is not None and refusal.status != 400:
        return _forbidden(request, refusal, back=_back_to(idea), back_label=_("Back to the idea"))
    form = CommentForm(request.POST)
    parent_id = request.POST.get("parent", "")
    failed = FailedForm(
        "reply" if parent_id else "comment", form, int(parent_id) if parent_id.isdigit() else None
    )
    if form.is_valid():
        parent = None
        if refusal is not None:
            form.add_error(None, refusal.message)
        elif form.cleaned_data["parent"]:
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
            if parent is None:
                form.add_error(None, _("You can only reply to a top-level comment of this idea."))
        if not form.errors:
            try:
                comment = services.comment_create(
                    author=user, idea=idea, body=form.cleaned_data["body"], parent=parent
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Your comment is published."))
                return redirect(_back_to(idea, f"comment-{comment.pk}"))
    return _idea_page(request, idea, failed=failed, status=400)


def _comment_or_404(request: HttpRequest, pk: int) -> tuple[Comment, Idea]:
    """A comment and its idea (with everything the idea page reads), if the person may see the idea."""
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    idea = _idea_or_404(request, comment.idea_id)
    comment.idea = idea
    return comment, idea


def _comment_refusal(user: User, comment: Comment, perm: str) -> Refusal | None:
    """Why the person may not change or delete this comment."""
    if user.has_perm(perm, comment):
        return None
    if blocked := block_refusal(user):
        return blocked
    if comment.author_id != user.pk:
        return Refusal(_("You can only change your own comments."))
    if not comment.is_visible:
        return Refusal(_("This comment is no longer shown."), status=400)
    minutes = int(COMMENT_EDIT_WINDOW.total_seconds() // 60)
    return Refusal(
        _("A comment can be corrected only within %(minutes)s minutes after writing it.")
        % {"minutes": minutes}
    )


@login_required
@require_POST
@_post_limits(COMMENT_LIMIT)
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct one's own comment shortly after writing it."""
    comment, idea = _comment_or_404(request, pk)
    user = _person(request)
    if refusal := _comment_refusal(user, comment, "participation.edit_comment"):
        return _forbidden(request, refusal, back=_back_to(idea), back_label=_("Back to the idea"))
    form = CommentEditForm(request.POST)
    if form.is_valid():
        try:
            services.comment_edit(actor=user, comment=comment, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your comment is corrected."))
            return redirect(_back_to(idea, f"comment-{comment.pk}"))
    return _idea_page(request, idea, failed=FailedForm("edit", form, comment.pk), status=400)


@login_required
@require_POST
@_post_limits(COMMENT_LIMIT)
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one's own comment; its place in the thread stays, marked as deleted."""
    comment, idea = _comment_or_404(request, pk)
    user = _person(request)
    if refusal := _comment_refusal(user, comment, "participation.delete_comment"):
        return _forbidden(request, refusal, back=_back_to(idea), back_label=_("Back to the idea"))
    services.comment_delete(actor=user, comment=comment)
    messages.success(request, _("Your comment is deleted."))
    return redirect(_back_to(idea, f"comment-{comment.pk}"))


def _comment_form(request: HttpRequest, comment: Comment, idea: Idea, kind: str) -> HttpResponse:
    """A comment's reply or report form on demand: for htmx the form alone (it goes under the comment),
    without JavaScript a page with the comment and the form; the idea page does not carry one per comment."""
    context = {"kind": kind, "comment": comment, "idea": idea, "form": None}
    if _is_htmx(request):
        return render(request, "participation/_comment_form.html", {**context, "autofocus": True})
    return render(request, "participation/comment_form.html", context)


@login_required
@require_GET
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The form to reply to a comment; comment_create takes the reply, with the same checks."""
    comment, idea = _comment_or_404(request, pk)
    refusal = refusal_for(_person(request), "comment", idea.process, idea)
    if refusal is None and (comment.parent_id is not None or not comment.is_visible):
        refusal = Refusal(_("You can only reply to a top-level comment of this idea."), status=400)
    if refusal is not None:
        return _forbidden(request, refusal, back=_back_to(idea), back_label=_("Back to the idea"))
    return _comment_form(request, comment, idea, "reply")


@login_required
@require_http_methods(["GET", "POST"])
@_post_limits(REPORT_LIMIT)
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a comment to the moderators (GET: the form)."""
    comment, idea = _comment_or_404(request, pk)
    user = _person(request)
    if refusal := block_refusal(user):
        return _forbidden(request, refusal, back=_back_to(idea), back_label=_("Back to the idea"))
    if request.method == "GET":
        if not comment.is_visible:
            refusal = Refusal(_("This comment is no longer shown."), status=400)
            return _forbidden(request, refusal, back=_back_to(idea), back_label=_("Back to the idea"))
        return _comment_form(request, comment, idea, "report")
    form = ReportForm(request.POST)
    if form.is_valid():
        if not comment.is_visible:
            form.add_error(None, _("This comment is no longer shown."))
        else:
            try:
                services.report_create(reporter=user, comment=comment, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Thank you. The moderators will look at your report."))
                return redirect(_back_to(idea, f"comment-{comment.pk}"))
    return _idea_page(request, idea, failed=FailedForm("report_comment", form, comment.pk), status=400)


# --- Notifications -----------------------------------------------------------------------------------


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first, and the daily e-mail digest switch."""
    user = _person(request)
    preference = getattr(user, "notification_preference", None)
    return render(
        request,
        "participation/notifications.html",
        {
            "page": _page(request, selectors.notification_list(user=user)),
            "digest": bool(preference and preference.email_digest),
        },
    )


@login_required
@require_POST
@_post_limits(NOTIFICATION_LIMIT)
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark all notifications as read."""
    services.notifications_mark_read(user=_person(request))
    messages.success(request, _("All notifications are marked as read."))
    return redirect("participation:notifications")


@login_required
@require_POST
@_post_limits(NOTIFICATION_LIMIT)
def notifications_digest(request: HttpRequest) -> HttpResponse:
    """Switch the daily e-mail digest on (digest=on) or off (digest=off)."""
    choice = request.POST.get("digest")
    if choice not in ("on", "off"):
        return render(request, "400.html", status=400)
    services.digest_set(user=_person(request), enabled=choice == "on")
    if choice == "on":
        messages.success(request, _("You will receive a daily e-mail when there is something new."))
    else:
        messages.success(request, _("You will no longer receive the daily e-mail."))
    return redirect("participation:notifications")


@csrf_exempt  # RFC 8058: mail clients post "List-Unsubscribe=One-Click" without a CSRF token.
@require_http_methods(["GET", "POST"])
@_post_limits(UNSUBSCRIBE_LIMIT)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Switch off the daily digest from the link in the mail: GET asks, POST (also one-click) does it."""
    user_id = tasks.unsubscribe_user_id(token)
    person = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if person is None:
        return render(request, "participation/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.digest_set(user=person, enabled=False)
        return render(request, "participation/unsubscribe.html", {"done": True})
    return render(request, "participation/unsubscribe.html", {})


@csrf_exempt  # RFC 8058, as above: the one-click POST comes without a CSRF token.
@require_http_methods(["GET", "POST"])
@_post_limits(UNSUBSCRIBE_LIMIT)
def contributor_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop news about an idea to the address that sent it (no account, no sign-in): GET asks, POST does."""
    assisted_id = tasks.contributor_unsubscribe_id(token)
    assisted = (
        AssistedContribution.objects.select_related("idea").filter(pk=assisted_id).first()
        if assisted_id
        else None
    )
    if assisted is None:
        return render(request, "participation/contributor_unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.contributor_notifications_stop(assisted=assisted)
        return render(request, "participation/contributor_unsubscribe.html", {"done": True})
    return render(request, "participation/contributor_unsubscribe.html", {"title": assisted.idea.title})


urlpatterns = [
    path("beteiligung/", process_list, name="process_list"),
    path("beteiligung/<slug:slug>/", process_detail, name="process"),
    path("beteiligung/<slug:slug>/folgen/", process_follow, name="process_follow"),
    path("beteiligung/<slug:slug>/idee-einreichen/", idea_create, name="idea_create"),
    path("ideen/", idea_list, name="idea_list"),
    path("ideen/karte/", idea_map, name="idea_map"),
    path("ideen.geojson", idea_geojson, name="idea_geojson"),
    path("ideen/<int:pk>/", idea_detail, name="idea"),
    path("ideen/<int:pk>/unterstuetzen/", idea_support, name="idea_support"),
    path("ideen/<int:pk>/folgen/", idea_follow, name="idea_follow"),
    path("ideen/<int:pk>/melden/", idea_report, name="idea_report"),
    path("ideen/<int:pk>/kommentare/", comment_create, name="comment_create"),
    path("ideen/kommentare/<int:pk>/bearbeiten/", comment_edit, name="comment_edit"),
    path("ideen/kommentare/<int:pk>/loeschen/", comment_delete, name="comment_delete"),
    path("ideen/kommentare/<int:pk>/melden/", comment_report, name="comment_report"),
    path("ideen/kommentare/<int:pk>/antworten/", comment_reply, name="comment_reply"),
    path("benachrichtigungen/", notifications, name="notifications"),
    path("benachrichtigungen/gelesen/", notifications_mark_read, name="notifications_mark_read"),
    path("benachrichtigungen/zusammenfassung/", notifications_digest, name="notifications_digest"),
    path("benachrichtigungen/abbestellen/<str:token>/", unsubscribe, name="unsubscribe"),
    path(
        "benachrichtigungen/idee-abbestellen/<str:token>/",
        contributor_unsubscribe,
        name="contributor_unsubscribe",
    ),
]
