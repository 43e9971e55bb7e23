"""The search page and the similar ideas shown beside the idea form; both show public content only."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from smartregion.participation.models import Process
from smartregion.participation.selectors import process_list

from . import selectors
from .forms import SearchForm, SimilarForm


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
