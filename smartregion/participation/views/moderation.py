"""Staff pages: moderation queue and actions, assisted recording of ideas.

Each view asks ``user.has_perm`` only to answer 403 instead of showing a form nobody may send; the
services ask the same rules again before they write. Service ValidationErrors go back onto the form
with status 400, so bad input never ends in a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from smartregion.accounts.models import User
from smartregion.core.forms import add_service_error
from smartregion.core.permissions import permitted_user
from smartregion.network.models import Municipality
from smartregion.network.selectors import municipality_list

from .. import selectors, services
from ..models import Comment, Idea, ParticipationBlock, Process, Report
from ..moderation_forms import (
    CommentAction,
    IdeaModerationForm,
    IdeaRecordForm,
    IdeaStatusForm,
    UserBlockForm,
)

# Staff act often but not hundreds of times a minute; the limit catches scripts and stuck buttons.
POST_RATE = "60/m"
QUEUE_PAGE_SIZE = 50


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go after an action: a same-site ``next`` from the form, else ``default``."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@login_required
@require_GET
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Ideas awaiting approval and open reports the person may handle."""
    user = permitted_user(request, "participation.view_moderation_queue")
    page = Paginator(selectors.moderation_queue(viewer=user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    return render(
        request,
        "participation/moderation/queue.html",
        {"page": page, "reports": list(selectors.open_reports(viewer=user).order_by("created_at", "id"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def idea_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """An idea with its private contact data and the form for the next step of its workflow."""
    # Ask the role first: someone who moderates nothing gets 403 for every number, taken or not, so the
    # answer tells nothing about which ids exist.
    permitted_user(request, "participation.view_moderation_queue")
    try:
        idea = selectors.idea_get(pk=pk)
    except Idea.DoesNotExist as error:
        raise Http404(_("This idea does not exist.")) from error
    user = permitted_user(request, "participation.moderate_idea", idea)
    here = reverse("participation:idea_moderate", args=[idea.pk])
    approving = request.method == "POST" and "approve" in request.POST
    form = IdeaStatusForm(request.POST if request.method == "POST" and not approving else None, idea=idea)
    # Errors of the one-click approval (the queue's button), which has no form to carry them.
    approve_errors: list[str] = []
    if approving:
        try:
            services.idea_approve(actor=user, idea=idea)
        except ValidationError as error:
            approve_errors = error.messages
        else:
            messages.success(request, _("“%(title)s” is published.") % {"title": idea.title})
            return redirect(_next_url(request, here))
    elif request.method == "POST" and form.is_valid():
        try:
            changed = services.idea_status_change(
                actor=user,
                idea=idea,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                merged_into=form.cleaned_data.get("merged_into"),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The status of “%(title)s” is now “%(status)s”.")
                % {"title": changed.title, "status": changed.get_status_display()},
            )
            return redirect(here)
    return render(
        request,
        "participation/moderation/idea.html",
        {
            "idea": idea,
            "form": form,
            "approve_errors": approve_errors,
            "comments": selectors.idea_comment_thread(idea=idea),
            "may_redact": user.has_perm("participation.redact_idea", idea),
            "earlier_versions": selectors.idea_earlier_versions(idea=idea),
        },
        status=400 if form.errors or approve_errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct and redact an idea's content with a public reason (any status)."""
    try:
        idea = selectors.idea_get(pk=pk)
    except Idea.DoesNotExist as error:
        raise Http404(_("This idea does not exist.")) from error
    user = permitted_user(request, "participation.redact_idea", idea)
    # The municipalities the person may move the idea to (the rule the service asks), and its own.
    allowed = [
        m.pk for m in municipality_list() if user.has_perm("participation.redact_idea", Idea(municipality=m))
    ]
    municipalities = Municipality.objects.filter(pk__in=[*allowed, idea.municipality_id]).order_by("name")
    form = IdeaModerationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        idea=idea,
        municipalities=municipalities,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_edit_by_moderation(actor=user, idea=idea, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The idea is changed. The author is told why."))
            return redirect(reverse("participation:idea_moderate", args=[idea.pk]))
    return render(
        request,
        "participation/moderation/idea_edit.html",
        {"idea": idea, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide, show again, highlight or un-highlight a comment, then return to the idea."""
    # Ask the role first: someone who moderates nothing gets 403 for every number, taken or not, so the
    # answer tells nothing about which ids exist.
    permitted_user(request, "participation.view_moderation_queue")
    comment = get_object_or_404(Comment.objects.select_related("idea__process", "author"), pk=pk)
    user = permitted_user(request, "participation.moderate_comment", comment)
    form = CommentAction(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action == CommentAction.HIDE:
                services.comment_hide(actor=user, comment=comment, reason=form.cleaned_data["reason"])
                done = _("The comment is hidden.")
            elif action == CommentAction.UNHIDE:
                services.comment_unhide(actor=user, comment=comment)
                done = _("The comment is shown again.")
            else:
                highlighted = action == CommentAction.HIGHLIGHT
                services.comment_highlight(actor=user, comment=comment, highlighted=highlighted)
                done = _("The comment is highlighted.") if highlighted else _("The highlight is removed.")
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(_next_url(request, reverse("participation:idea", args=[comment.idea_id])))
    return render(
        request,
        "participation/moderation/comment.html",
        {"comment": comment, "form": form, "next": _next_url(request, "")},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def user_block(request: HttpRequest, pk: int) -> HttpResponse:
    """Block a person from contributing (with a reason, optionally until a date), or lift the block."""
    permitted_user(request, "participation.block_user")  # 403 before 404: no probing for accounts
    target = get_object_or_404(User, pk=pk)
    user = permitted_user(request, "participation.block_user", target)
    here = reverse("participation:user_block", args=[target.pk])
    unblock = request.method == "POST" and request.POST.get("action") == "unblock"
    form = UserBlockForm(request.POST if request.method == "POST" and not unblock else None)
    if unblock:
        services.user_unblock(actor=user, user=target)
        messages.success(request, _("The block on %(name)s is lifted.") % {"name": target.public_name})
        return redirect(here)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_block(
                actor=user, user=target, reason=form.cleaned_data["reason"], until=form.until_datetime()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("%(name)s is blocked from contributing.") % {"name": target.public_name}
            )
            return redirect(here)
    # Not "block": templates use that name for {% block %} (block.super).
    current_block = ParticipationBlock.objects.filter(user=target).first()
    return render(
        request,
        "participation/moderation/user_block.html",
        {"target": target, "current_block": current_block, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a report as handled and return to the queue."""
    # Ask the role first: someone who moderates nothing gets 403 for every number, taken or not, so the
    # answer tells nothing about which ids exist.
    permitted_user(request, "participation.view_moderation_queue")
    report = get_object_or_404(Report.objects.select_related("comment__idea", "idea"), pk=pk)
    if report.comment is not None:
        user = permitted_user(request, "participation.moderate_comment", report.comment)
    else:
        user = permitted_user(request, "participation.moderate_idea", report.idea)
    if report.resolved_at is None:
        services.report_resolve(actor=user, report=report)
        messages.success(request, _("The report is marked as resolved."))
    else:
        messages.info(request, _("This report was already resolved."))
    return redirect(_next_url(request, reverse("participation:moderation")))


def _recordable_municipalities(user: User) -> "list[Municipality]":
    """Municipalities the person may record ideas for: the same rule the service asks."""
    return [
        m for m in municipality_list() if user.has_perm("participation.moderate_idea", Idea(municipality=m))
    ]


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def idea_record(request: HttpRequest, slug: str) -> HttpResponse:
    """Record an idea that came in by e-mail, telephone, letter or at an event, on the person's behalf."""
    try:
        process: Process = selectors.process_get(viewer=request.user, slug=slug)
    except Process.DoesNotExist as error:
        raise Http404(_("This participation process does not exist.")) from error
    user = permitted_user(request, "participation.record_idea", process)
    municipalities = Municipality.objects.filter(pk__in=[m.pk for m in _recordable_municipalities(user)])
    form = IdeaRecordForm(
        request.POST if request.method == "POST" else None, municipalities=municipalities.order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_record_assisted(recorded_by=user, process=process, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The idea is recorded and published. It is shown as “%(attribution)s”.")
                % {"attribution": idea.assisted.public_attribution},
            )
            return redirect(idea.get_absolute_url())
    return render(
        request,
        "participation/moderation/idea_record.html",
        {"process": process, "form": form, "attributions": list(services.ASSISTED_ATTRIBUTION.values())},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("moderation/", moderation_queue, name="moderation"),
    path("moderation/ideen/<int:pk>/", idea_moderate, name="idea_moderate"),
    path("moderation/ideen/<int:pk>/bearbeiten/", idea_edit, name="idea_edit"),
    path("moderation/kommentare/<int:pk>/", comment_moderate, name="comment_moderate"),
    path("moderation/personen/<int:pk>/sperren/", user_block, name="user_block"),
    path("moderation/meldungen/<int:pk>/erledigt/", report_resolve, name="report_resolve"),
    path("beteiligung/<slug:slug>/idee-erfassen/", idea_record, name="idea_record"),
]
