"""Pages of the insights.

Staff pages (duplicate queue, category suggestions, clusters, briefing) ask the role first (403 before 404,
so nobody probes for ids), then the object's permission; the services ask again before they write. Service
ValidationErrors go back onto the form with 400. The search page and the similar ideas beside the idea form
show public content only.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from smartregion.core.forms import add_service_error
from smartregion.core.permissions import permitted_user
from smartregion.network.models import Municipality
from smartregion.participation.models import PUBLIC_IDEA_STATUSES, IdeaStatus, Process
from smartregion.participation.selectors import process_list
from smartregion.strategy.models import Domain

from . import selectors, services
from .forms import (
    BriefingFilter,
    ClusterRunForm,
    DomainsForm,
    GoalForm,
    MeasureForm,
    MergeForm,
    MoveForm,
    RenameForm,
    SearchForm,
    SimilarForm,
)
from .models import CategorySuggestion, Cluster, ClusterMember, ClusterRun, DuplicatePair
from .text import idea_text

POST_RATE = "60/m"
PAGE_SIZE = 25
BRIEFING_IDEAS = 500  # keywords and summary read the 500 most supported ideas of a filter


def _merge_form(pair: DuplicatePair, data: Any = None) -> MergeForm:
    choices = [(idea.pk, f"{idea.title} (#{idea.pk})") for idea in (pair.first, pair.second)]
    return MergeForm(data, choices=choices, prefix=f"pair{pair.pk}")


@login_required
@require_GET
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    """Likely duplicate pairs, most alike first, each with a merge and a "not a duplicate" button."""
    permitted_user(request, "insights.view_duplicates")
    page = Paginator(selectors.duplicate_queue(viewer=request.user), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    items = [(pair, _merge_form(pair)) for pair in page.object_list]
    return render(request, "insights/ml/duplicates.html", {"page": page, "items": items})


@login_required
@require_POST
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge one idea of a pair into the other, or mark the pair "not a duplicate"."""
    permitted_user(request, "insights.view_duplicates")
    pair = get_object_or_404(
        DuplicatePair.objects.select_related("process", "first__municipality", "second__municipality"), pk=pk
    )
    back = reverse("insights:duplicates")
    if pair.status != "open":
        messages.info(request, _("This pair was already decided."))
        return redirect(back)
    user = permitted_user(request, "insights.decide_duplicate", pair)
    if request.POST.get("action") == "dismiss":
        services.pair_dismiss(actor=user, pair=pair)
        messages.success(request, _("The pair is marked as not a duplicate."))
        return redirect(back)
    form = _merge_form(pair, request.POST)
    if form.is_valid():
        keep = pair.first if form.cleaned_data["keep"] == pair.first_id else pair.second
        try:
            services.pair_merge(actor=user, pair=pair, keep=keep, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The ideas are merged into “%(title)s”.") % {"title": keep.title})
            return redirect(back)
    return render(request, "insights/ml/duplicate.html", {"pair": pair, "form": form}, status=400)


def _domain_names() -> dict[int, str]:
    return dict(Domain.objects.values_list("pk", "name"))


def _suggestion_domains(suggestion: CategorySuggestion) -> Any:
    process = suggestion.idea.process
    own = process.domains.order_by("position", "name")
    return own if own.exists() else Domain.objects.order_by("position", "name")


@login_required
@require_GET
def suggestion_queue(request: HttpRequest) -> HttpResponse:
    """Ideas whose domains the model would set differently, with its confidence; one click decides."""
    permitted_user(request, "insights.view_suggestions")
    page = Paginator(selectors.suggestion_queue(viewer=request.user), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    names = _domain_names()
    domains = list(Domain.objects.order_by("position", "name"))
    items = [
        (
            suggestion,
            [
                (names.get(domain_id, "?"), round(confidence * 100))
                for domain_id, confidence in suggestion.suggested
            ],
            [d.pk for d in suggestion.idea.domains.all()],
        )
        for suggestion in page.object_list
    ]
    return render(request, "insights/ml/suggestions.html", {"page": page, "items": items, "domains": domains})


@login_required
@require_POST
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def suggestion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a suggestion, correct it with one's own choice of domains, or dismiss it."""
    permitted_user(request, "insights.view_suggestions")
    suggestion = get_object_or_404(CategorySuggestion.objects.select_related("idea__process"), pk=pk)
    back = reverse("insights:suggestions")
    if suggestion.status != "open":
        messages.info(request, _("This suggestion was already decided."))
        return redirect(back)
    user = permitted_user(request, "insights.decide_suggestion", suggestion)
    action = request.POST.get("action")
    form = DomainsForm(request.POST if action == "correct" else None, domains=_suggestion_domains(suggestion))
    try:
        if action == "dismiss":
            services.suggestion_dismiss(actor=user, suggestion=suggestion)
            messages.success(request, _("The suggestion is dismissed; the domains stay as they are."))
            return redirect(back)
        if action == "accept":
            services.suggestion_decide(actor=user, suggestion=suggestion)
            messages.success(
                request,
                _("The suggested domains are assigned to “%(title)s”.") % {"title": suggestion.idea.title},
            )
            return redirect(back)
        if action == "correct" and form.is_valid():
            services.suggestion_decide(
                actor=user, suggestion=suggestion, domains=form.cleaned_data["domains"]
            )
            messages.success(
                request,
                _("The chosen domains are assigned to “%(title)s”.") % {"title": suggestion.idea.title},
            )
            return redirect(back)
    except ValidationError as error:
        add_service_error(form, error)
    if not form.errors:
        form.add_error(None, _("Please choose what to do with the suggestion."))
    return render(
        request, "insights/ml/suggestion.html", {"suggestion": suggestion, "form": form}, status=400
    )


def _process(slug: str) -> Process:
    try:
        return Process.objects.get(slug=slug)
    except Process.DoesNotExist as error:
        raise Http404(_("This participation process does not exist.")) from error


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def clusterings(request: HttpRequest, slug: str) -> HttpResponse:
    """The clusterings of a process; the office starts a new one here."""
    permitted_user(request, "insights.view_clusters")
    process = _process(slug)
    questions = selectors.clusterable_questions(process=process)
    form = ClusterRunForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST":
        user = permitted_user(request, "insights.run_clustering", process)
        if form.is_valid():
            try:
                run = services.cluster_run_start(
                    actor=user,
                    process=process,
                    clusters=form.cleaned_data["clusters"],
                    question=form.cleaned_data["question"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return redirect(reverse("insights:clustering", args=[run.pk]))
    runs = list(selectors.cluster_runs(process=process)[:20])
    context = {"process": process, "runs": runs, "form": form}
    return render(request, "insights/ml/clusterings.html", context, status=400 if form.errors else 200)


def _run(pk: int) -> ClusterRun:
    return get_object_or_404(ClusterRun.objects.select_related("process"), pk=pk)


@login_required
@require_GET
def clustering(request: HttpRequest, pk: int) -> HttpResponse:
    """One clustering: its progress while it runs, then each cluster with terms, size, ideas and places."""
    user = permitted_user(request, "insights.view_clusters")
    run = _run(pk)
    clusters = selectors.cluster_list(run=run) if run.status == "done" else []
    choices = [(c.pk, c.name) for c in clusters]
    context = {
        "run": run,
        "clusters": clusters,
        "choices": choices,
        "may_edit": user.has_perm("insights.edit_cluster", run),
        "measure_form": MeasureForm(),
        "goal_form": GoalForm(),
    }
    return render(request, "insights/ml/clustering.html", context)


@login_required
@require_GET
def clustering_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; once the run is finished it asks the page to reload."""
    permitted_user(request, "insights.view_clusters")
    run = _run(pk)
    response = render(request, "insights/ml/_progress.html", {"run": run})
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
@ratelimit(key="user", rate=POST_RATE, method="POST", block=True)
def cluster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a cluster, move one of its ideas elsewhere, or turn it into a draft measure or goal."""
    permitted_user(request, "insights.view_clusters")
    cluster = get_object_or_404(Cluster.objects.select_related("run__process", "measure", "goal"), pk=pk)
    user = permitted_user(request, "insights.edit_cluster", cluster)
    back = reverse("insights:clustering", args=[cluster.run_id]) + f"#cluster-{cluster.pk}"
    action = request.POST.get("action")
    form: Any
    if action == "rename":
        form = RenameForm(request.POST)
    elif action == "move":
        choices = [(c.pk, c.name) for c in Cluster.objects.filter(run_id=cluster.run_id)]
        form = MoveForm(request.POST, choices=choices)
    elif action == "goal":
        form = GoalForm(request.POST)
    else:
        form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            if action == "rename":
                services.cluster_rename(actor=user, cluster=cluster, name=form.cleaned_data["name"])
                messages.success(request, _("The cluster is renamed."))
            elif action == "move":
                member = get_object_or_404(ClusterMember, pk=form.cleaned_data["member"], cluster=cluster)
                target = get_object_or_404(Cluster, pk=form.cleaned_data["target"])
                services.cluster_member_move(actor=user, member=member, target=target)
                messages.success(request, _("The idea is moved to “%(name)s”.") % {"name": target.name})
            elif action == "goal":
                goal = services.cluster_to_goal(actor=user, cluster=cluster, title=form.cleaned_data["title"])
                messages.success(
                    request,
                    _("The draft goal “%(title)s” is created from the ideas of the cluster.")
                    % {"title": goal.title},
                )
            else:
                measure = services.cluster_to_measure(
                    actor=user,
                    cluster=cluster,
                    strategy_obj=form.cleaned_data["strategy"],
                    title=form.cleaned_data["title"],
                )
                messages.success(
                    request,
                    _("The draft measure “%(title)s” is created with the ideas linked.")
                    % {"title": measure.title},
                )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect(back)
    return render(request, "insights/ml/cluster_error.html", {"cluster": cluster, "form": form}, status=400)


@login_required
@require_GET
def briefing(request: HttpRequest, slug: str) -> HttpResponse:
    """Keywords and a short extractive summary of a process's ideas under the idea list's filters."""
    permitted_user(request, "insights.view_briefing")
    process = _process(slug)
    form = BriefingFilter(
        request.GET or None,
        statuses=[(s.value, str(s.label)) for s in IdeaStatus if s in PUBLIC_IDEA_STATUSES],
        municipalities=list(Municipality.objects.order_by("name").values_list("pk", "name")),
        domains=list(Domain.objects.order_by("position", "name").values_list("pk", "name")),
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "municipality": form.cleaned_data["gemeinde"],
            "domain": form.cleaned_data["lebensbereich"],
        }
    ideas = list(
        selectors.briefing_ideas(process=process, **filters).only("pk", "title", "body")[:BRIEFING_IDEAS]
    )
    texts = [idea_text(i.title, i.body) for i in ideas]
    # The numeric libraries load in the worker that serves a briefing, not in every web worker.
    from . import analyses, summary

    with analyses.single_threaded():
        terms = summary.keywords(texts, top=12)
        sentences = [(s.text, ideas[s.source]) for s in summary.summarize(texts, count=3)]
    return render(
        request,
        "insights/ml/briefing.html",
        {"process": process, "form": form, "terms": terms, "sentences": sentences, "count": len(ideas)},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Where the insights are: the two queues, and clusters and briefings per process."""
    permitted_user(request, "insights.view_clusters")
    processes = list(Process.objects.order_by("-created_at", "pk").only("slug", "title", "idea_count"))
    return render(request, "insights/ml/overview.html", {"processes": processes})


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Ranked search over public ideas, comments, measures and events, with a count per kind."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = selectors.search_everything(
            q=form.cleaned_data["q"], kind=form.cleaned_data["kind"], page_number=request.GET.get("page")
        )
    return render(
        request,
        "insights/search.html",
        {"form": form, "results": results},
        status=400 if form.errors else 200,
    )


@require_POST
def similar_ideas(request: HttpRequest, slug: str) -> HttpResponse:
    """The htmx answer while an idea is typed: the published ideas of the process most like the text.

    A POST (with the form's CSRF token) because the text can be longer than a URL may be; nothing is stored.
    """
    try:
        process = (
            process_list(viewer=request.user).filter(visibility=Process.Visibility.PUBLIC).get(slug=slug)
        )
    except Process.DoesNotExist as error:
        raise Http404(_("This participation process does not exist.")) from error
    ideas = selectors.similar_ideas(process=process, text=SimilarForm(request.POST).text())
    return render(request, "insights/_similar_ideas.html", {"similar_ideas": ideas, "asked": True})
