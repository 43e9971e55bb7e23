"""Survey pages: the list, answering, the builder with its preview, staff entry, results, exports.

Views parse, authorize (``user.has_perm`` and ``policy.answer_refusal``), call one service or selector, and
render. Bad input comes back on the form with status 400 and everything typed kept; a POST the rules refuse
is answered 403 with the reason.
"""

import csv
import hashlib
import io
import secrets
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import path, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartregion.accounts.models import User
from smartregion.core.forms import add_service_error
from smartregion.core.pagecache import cache_public_page
from smartregion.network.models import Region
from smartregion.network.selectors import municipality_geojson, municipality_list
from smartregion.participation.policy import Refusal, attempt_limited

from . import selectors, services, tasks
from .apps import PAGES
from .forms import EntryForm, QuestionForm, ResponseForm, SectionForm, SurveyForm
from .imports import MAX_FILE_BYTES, template_workbook
from .models import (
    CHOICE_KINDS,
    Answer,
    Channel,
    ImportRun,
    Option,
    Question,
    QuestionKind,
    Response,
    Section,
    Survey,
)
from .policy import ANSWER_LIMIT, ENTRY_LIMIT, answer_refusal

COOKIE_SALT = "surveys.browser"
COOKIE_AGE = 60 * 60 * 24 * 365
RESULT_BLOCK_SECONDS = 10 * 60


def _person(request: HttpRequest) -> User:
    return cast(User, request.user)


def _survey_or_404(request: HttpRequest, pk: int) -> Survey:
    try:
        return selectors.survey_get(viewer=request.user, pk=pk)
    except Survey.DoesNotExist as error:
        raise Http404(_("This survey does not exist.")) from error


def _forbidden(request: HttpRequest, refusal: Refusal, survey: Survey) -> HttpResponse:
    return render(
        request,
        "participation/not_allowed.html",
        {"reason": refusal.message, "back": survey.get_absolute_url(), "back_label": _("Back to the survey")},
        status=refusal.status,
    )


def _may(request: HttpRequest, perm: str, survey: Survey) -> None:
    if not request.user.has_perm(perm, survey):
        raise PermissionDenied(_("You may not do this."))


def _cookie_name(survey: Survey) -> str:
    return f"survey-{survey.pk}"


def _browser_token(request: HttpRequest, survey: Survey) -> str | None:
    return request.get_signed_cookie(_cookie_name(survey), default=None, salt=COOKIE_SALT)


def _has_point(questions: list[Question]) -> bool:
    return any(question.kind == QuestionKind.POINT for question in questions)


# --- Public --------------------------------------------------------------------------------------------


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    """The surveys and quick polls the visitor may see."""
    surveys = selectors.survey_list(viewer=request.user)
    return render(
        request,
        "surveys/survey_list.html",
        {"surveys": surveys, "may_build": request.user.has_perm("surveys.build_survey", None)},
    )


@require_http_methods(["GET", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:  # noqa: PLR0912 - one branch per outcome
    """A survey: what it is about, and its answer form while the survey phase runs.

    Anonymous visitors are told apart by a signed cookie holding a random token (one answer per browser);
    signed-in people edit their response while the phase runs.
    """
    survey = _survey_or_404(request, pk)
    user = request.user
    sections, questions = selectors.questionnaire(survey)
    existing = selectors.response_of(survey=survey, user=user)
    kept = None if user.is_authenticated else _browser_token(request, survey)
    token = kept or (None if user.is_authenticated else secrets.token_hex(16))
    # A token made just now has answered nothing yet; only a browser's kept token is looked up.
    already = kept is not None and Response.objects.filter(survey=survey, browser_token=kept).exists()
    refusal = None if already else answer_refusal(user, survey, existing)
    posted = request.method == "POST"
    status = 200
    seed = user.pk if user.is_authenticated else int(cast(str, token)[:8], 16)
    form = ResponseForm(
        request.POST if posted else None,
        sections=sections,
        questions=questions,
        seed=seed,
        existing=existing.answers.all() if existing else (),
        initial={"municipality": existing.municipality_id, "age_group": existing.age_group}
        if existing
        else None,
    )
    if posted:
        if already:
            messages.error(request, _("You have already answered this survey in this browser."))
            return redirect(survey.get_absolute_url())
        if refusal:
            return _forbidden(request, refusal, survey)
        if attempt_limited(request, ANSWER_LIMIT):
            messages.error(
                request,
                _(
                    "Many answers came from here in a short time. Please send the form again later: "
                    "what you typed is kept."
                ),
            )
            status = 429
        elif form.is_valid():
            try:
                _response, created = services.response_submit(
                    user=user,
                    survey=survey,
                    answers=form.answers,
                    respondent=form.respondent(),
                    browser_token=token,
                )
            except ValidationError as error:
                add_service_error(form, error)
            except PermissionDenied:
                return _forbidden(
                    request,
                    answer_refusal(user, survey, existing) or Refusal(_("You may not do this.")),
                    survey,
                )
            else:
                if created:
                    messages.success(request, _("Thank you for taking part! Your answers are stored."))
                else:
                    messages.success(request, _("Your changed answers are stored."))
                answer = redirect(survey.get_absolute_url())
                if token:
                    answer.set_signed_cookie(
                        _cookie_name(survey),
                        token,
                        salt=COOKIE_SALT,
                        max_age=COOKIE_AGE,
                        httponly=True,
                        samesite="Lax",
                    )
                return answer
        if status == 200:
            status = 400
    show_poll_results = survey.kind == Survey.Kind.POLL and (
        selectors.poll_closed(survey)
        or (survey.show_results == Survey.ShowResults.AFTER_VOTING and (already or existing is not None))
    )
    page = render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "form": form,
            "blocks": form.section_blocks(),
            "refusal": refusal,
            "already": already or (existing is not None and refusal is not None),
            "existing": existing,
            "may_build": user.has_perm("surveys.build_survey", survey),
            "may_enter": user.has_perm("surveys.enter_response", survey),
            "may_import": user.has_perm("surveys.import_responses", survey),
            "may_view_results": user.has_perm("surveys.view_results", survey),
            "place_geojson": municipality_geojson(municipality_list()) if _has_point(questions) else None,
            "show_poll_results": show_poll_results,
            "results": selectors.survey_results(survey=survey, filters=selectors.ResultFilters())
            if show_poll_results
            else None,
        },
        status=status,
    )
    if token and not already and refusal is None:
        page.set_signed_cookie(
            _cookie_name(survey), token, salt=COOKIE_SALT, max_age=COOKIE_AGE, httponly=True, samesite="Lax"
        )
    return page


def _filters(request: HttpRequest, survey: Survey) -> tuple[selectors.ResultFilters, dict[str, Any]]:
    municipalities = list(municipality_list())
    chosen = next((m for m in municipalities if m.slug == request.GET.get("kommune")), None)
    channel = request.GET.get("kanal", "")
    if channel not in Channel.values:
        channel = ""
    return selectors.ResultFilters(municipality=chosen, channel=channel), {
        "municipalities": municipalities,
        "channels": Channel.choices,
        "chosen_municipality": chosen.slug if chosen else "",
        "chosen_channel": channel,
    }


def _result_blocks(
    request: HttpRequest, survey: Survey, results: selectors.Results, moderate: bool
) -> list[SafeString]:
    """Each question's section of the results page (its chart, table and figures).

    A section shows nothing but its question's figures, so readers' sections are kept under a digest of
    those figures (and the questionnaire's version and the language): the figures are read from the
    database for every page, and only a section whose figures changed since is rendered again (a new
    response changes the few questions it answered). Rendering all twenty took most of an uncached page.
    Moderators' sections carry forms (their CSRF token, the way back), so they are rendered every time.
    """
    template = get_template("surveys/_result.html")
    numbered = list(enumerate(results.questions, start=1))
    if moderate:
        context = {
            "survey": survey,
            "may_moderate": True,
            "request": request,
            "csrf_token": get_token(request),
        }
        return [
            mark_safe(template.render({**context, "item": item, "number": number}))  # noqa: S308 - our HTML
            for number, item in numbered
        ]
    version = (get_language(), survey.pk, survey.updated_at)
    blocks = {f"surveys:result:{_digest(version, number, item)}": (number, item) for number, item in numbered}
    kept = cache.get_many(list(blocks))
    fresh = {
        key: template.render({"survey": survey, "item": item, "number": number, "may_moderate": False})
        for key, (number, item) in blocks.items()
        if key not in kept
    }
    if fresh:
        cache.set_many(fresh, RESULT_BLOCK_SECONDS)
    return [mark_safe(kept[key] if key in kept else fresh[key]) for key in blocks]  # noqa: S308 - our HTML


def _digest(version: tuple[Any, ...], number: int, item: selectors.QuestionResult) -> str:
    """Everything a result section shows (the rows, charts and numbers are dataclasses with full reprs)."""
    question = item.question
    shown = (
        version,
        number,
        (question.pk, question.text, question.kind, question.allow_other),
        (item.respondents, item.rows, item.columns, item.matrix, item.average, item.minimum, item.maximum),
        item.chart,
        [(answer.pk, answer.text, answer.hidden) for answer in item.texts],
    )
    return hashlib.sha256(repr(shown).encode()).hexdigest()


@require_GET
@cache_public_page(PAGES)
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results per question: a chart and the same figures as a table, filtered by municipality and
    channel; staff see them live, everyone once they are published."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.view_results", survey)
    filters, filter_context = _filters(request, survey)
    moderate = request.user.has_perm("surveys.moderate_answer", survey)
    results = selectors.survey_results(survey=survey, filters=filters, include_hidden=moderate)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "results": results,
            "blocks": _result_blocks(request, survey, results, moderate),
            "may_publish": request.user.has_perm("surveys.publish_results", survey),
            "may_moderate": moderate,
            "may_export": request.user.has_perm("surveys.export_responses", survey),
            **filter_context,
        },
    )


@require_GET
def question_texts(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """All free-text answers of a question, newest first, 50 a page."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.view_results", survey)
    question = get_object_or_404(Question, pk=question_pk, survey=survey)
    moderate = request.user.has_perm("surveys.moderate_answer", survey)
    page = Paginator(selectors.text_answers(question=question, include_hidden=moderate), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "surveys/question_texts.html",
        {"survey": survey, "question": question, "page": page, "may_moderate": moderate},
    )


@require_GET
def survey_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire, print-friendly: boxes to tick and lines to write on."""
    survey = _survey_or_404(request, pk)
    sections, questions = selectors.questionnaire(survey)
    form = ResponseForm(sections=sections, questions=questions)
    return render(request, "surveys/print.html", {"survey": survey, "blocks": form.section_blocks()})


@require_GET
def survey_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire as a PDF for town halls and events."""
    survey = _survey_or_404(request, pk)
    sections, questions = selectors.questionnaire(survey)
    region = Region.objects.first()
    from .pdf import questionnaire_pdf  # reportlab loads where a PDF is made, not in every web worker

    body = questionnaire_pdf(survey, sections, questions, region_name=region.name if region else "")
    answer = HttpResponse(body, content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="umfrage-{survey.pk}.pdf"'
    return answer


# --- Staff: results, moderation, exports, entry -----------------------------------------------------------


@login_required
@require_POST
def results_publish(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.publish_results", survey)
    published = request.POST.get("action") == "publish"
    services.results_publish(actor=_person(request), survey=survey, published=published)
    messages.success(
        request, _("The results are public now.") if published else _("The results are no longer public.")
    )
    return redirect("surveys:results", pk=survey.pk)


@login_required
@require_POST
def answer_moderate(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    """Hide a free-text answer (it names a person, for example) or show it again."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.moderate_answer", survey)
    answer = get_object_or_404(
        Answer.objects.select_related("question__survey"), pk=answer_pk, question__survey=survey
    )
    hide = request.POST.get("action") == "hide"
    services.answer_set_hidden(actor=_person(request), answer=answer, hidden=hide)
    messages.success(request, _("The answer is hidden.") if hide else _("The answer is shown again."))
    back = request.POST.get("next", "")
    if not back.startswith(f"/umfragen/{survey.pk}/"):
        back = reverse("surveys:results", kwargs={"pk": survey.pk})
    return redirect(back)


@login_required
@require_GET
def responses_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The anonymised responses as CSV or XLSX: no person, no token, hidden texts left out."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.export_responses", survey)
    _sections, questions = selectors.questionnaire(survey)
    headings = [heading for heading, *_rest in selectors.export_columns(questions)]
    rows = selectors.export_rows(survey, questions)
    name = f"umfrage-{survey.pk}-{slugify(survey.title)[:40]}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headings)
        writer.writerows(rows)
        answer = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        answer["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return answer
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(_("Responses")[:31])
    sheet.write_row(0, 0, headings)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, [str(value) if value is not None else "" for value in row])
    book.close()
    answer = HttpResponse(
        output.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    answer["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return answer


@login_required
@require_http_methods(["GET", "POST"])
def response_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter a questionnaire answered on paper, at an event or by telephone."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.enter_response", survey)
    sections, questions = selectors.questionnaire(survey)
    posted = request.method == "POST"
    form = EntryForm(
        request.POST if posted else None,
        sections=sections,
        questions=questions,
        municipalities=municipality_list(),
        initial={"channel": Channel.PAPER},
    )
    status = 200
    if posted:
        status = 400
        if attempt_limited(request, ENTRY_LIMIT):
            messages.error(
                request, _("Many forms were entered from here in a short time. Please send again later.")
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.response_enter(
                    actor=_person(request),
                    survey=survey,
                    answers=form.answers,
                    respondent=form.respondent(),
                    channel=data["channel"],
                    provenance=data["provenance"],
                    paper_number=data["paper_number"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The questionnaire is stored. You can enter the next one."))
                return redirect("surveys:enter", pk=survey.pk)
    return render(
        request,
        "surveys/entry.html",
        {"survey": survey, "form": form, "blocks": form.section_blocks()},
        status=status,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template (XLSX)"),
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    provenance = forms.CharField(
        label=gettext_lazy("Provenance"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For rows without their own, e.g. 'Town hall Mendig'."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Please upload the filled-in template as an XLSX file."))
        return upload


@login_required
@require_GET
def import_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The XLSX template of the survey: a column per answer, a row per paper form."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.enter_response", survey)
    _sections, questions = selectors.questionnaire(survey)
    answer = HttpResponse(
        template_workbook(survey, questions),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    answer["Content-Disposition"] = f'attachment; filename="umfrage-{survey.pk}-vorlage.xlsx"'
    return answer


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a filled-in template; the import runs as a task and its page shows the progress."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.import_responses", survey)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            run = ImportRun.objects.create(
                survey=survey,
                created_by=_person(request),
                file_name=upload.name[:200],
                content=upload.read(),
                provenance=form.cleaned_data["provenance"],
            )
            transaction.on_commit(lambda: tasks.import_responses.enqueue(run_id=run.pk))
        return redirect("surveys:import_run", pk=survey.pk, run_pk=run.pk)
    return render(
        request,
        "surveys/import.html",
        {"survey": survey, "form": form, "runs": survey.imports.defer("content")[:10]},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def import_run(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """An import's progress and result; htmx polls the fragment while it runs."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.import_responses", survey)
    run = get_object_or_404(ImportRun.objects.defer("content"), pk=run_pk, survey=survey)
    template = (
        "surveys/_import_status.html"
        if request.headers.get("HX-Request") == "true"
        else "surveys/import_run.html"
    )
    return render(request, template, {"survey": survey, "run": run})


# --- Builder -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("surveys.build_survey", None):
        raise PermissionDenied(_("You may not do this."))
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        survey = services.survey_create(
            actor=_person(request), process=data.pop("process"), title=data.pop("title"), **data
        )
        messages.success(request, _("The survey is created as a draft. Now add its questions."))
        return redirect("surveys:build", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def survey_build(request: HttpRequest, pk: int) -> HttpResponse:
    """The builder's overview: the settings, the sections and questions, publishing."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.build_survey", survey)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        services.survey_update(
            actor=_person(request), survey=survey, **{k: form.cleaned_data[k] for k in form.fields}
        )
        messages.success(request, _("The settings are stored."))
        return redirect("surveys:build", pk=survey.pk)
    sections, questions = selectors.questionnaire(survey)
    return render(
        request,
        "surveys/build.html",
        {
            "survey": survey,
            "form": form,
            "sections": [
                (section, [q for q in questions if q.section_id == section.pk]) for section in sections
            ],
            "answered": survey.responses.exists(),
            "history": survey.events.select_related("actor")[:20],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def survey_publish(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.build_survey", survey)
    public = request.POST.get("action") == "publish"
    try:
        services.survey_publish(actor=_person(request), survey=survey, public=public)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The survey is published.") if public else _("The survey is a draft again.")
        )
    return redirect("surveys:build", pk=survey.pk)


def _earlier_choice_options(questions: list[Question], before: Question | Section | None) -> list[Option]:
    """Options of the choice questions that come before ``before`` (all of them for a new question)."""
    earlier: list[Option] = []
    for question in questions:
        if isinstance(before, Question) and question.pk == before.pk:
            break
        if isinstance(before, Section) and question.section_id == before.pk:
            break
        if question.kind in CHOICE_KINDS:
            earlier.extend(question.options.all())
    return earlier


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int, section_pk: int | None = None) -> HttpResponse:
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.build_survey", survey)
    section = get_object_or_404(Section, pk=section_pk, survey=survey) if section_pk else None
    _sections, questions = selectors.questionnaire(survey)
    conditions = _earlier_choice_options(questions, section)
    initial = (
        {
            "title": section.title,
            "description": section.description,
            "show_if": [o.pk for o in section.show_if.all()],
        }
        if section
        else None
    )
    form = SectionForm(request.POST or None, conditions=conditions, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.section_save(actor=_person(request), survey=survey, section=section, **form.cleaned_data)
        messages.success(request, _("The section is stored."))
        return redirect("surveys:build", pk=survey.pk)
    return render(
        request,
        "surveys/section_form.html",
        {"survey": survey, "section": section, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, question_pk: int | None = None) -> HttpResponse:
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.build_survey", survey)
    _sections, questions = selectors.questionnaire(survey)
    # Its own copy: saving changes the instance, and the questionnaire's are shared by the process.
    question = None
    if question_pk:
        question = (
            Question.objects.prefetch_related("options", "show_if")
            .filter(pk=question_pk, survey=survey)
            .first()
        )
        if question is None:
            raise Http404(_("This question does not exist."))
    form = QuestionForm(
        request.POST or None,
        survey=survey,
        conditions=_earlier_choice_options(questions, question),
        initial=QuestionForm.initial_for(question) if question else {"section": survey.sections.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(
                actor=_person(request),
                survey=survey,
                question=question,
                data=form.question_data(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The question is stored."))
            return redirect("surveys:build", pk=survey.pk)
    return render(
        request,
        "surveys/question_form.html",
        {"survey": survey, "question": question, "form": form, "answered": survey.responses.exists()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.build_survey", survey)
    question = get_object_or_404(Question, pk=question_pk, survey=survey)
    try:
        services.question_delete(actor=_person(request), question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The question is removed."))
    return redirect("surveys:build", pk=survey.pk)


@login_required
@require_GET
def survey_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer form as respondents will see it; sending it checks the input but stores nothing."""
    survey = _survey_or_404(request, pk)
    _may(request, "surveys.build_survey", survey)
    sections, questions = selectors.questionnaire(survey)
    checking = "check" in request.GET
    form = ResponseForm(
        request.GET if checking else None,
        sections=sections,
        questions=questions,
        municipalities=municipality_list(),
    )
    valid = checking and form.is_valid()
    return render(
        request,
        "surveys/preview.html",
        {
            "survey": survey,
            "form": form,
            "blocks": form.section_blocks(),
            "valid": valid,
            "place_geojson": municipality_geojson(municipality_list()) if _has_point(questions) else None,
        },
    )


app_name = "surveys"
urlpatterns = [
    path("", survey_list, name="list"),
    path("neu/", survey_create, name="create"),
    path("<int:pk>/", survey_detail, name="survey"),
    path("<int:pk>/ergebnisse/", survey_results, name="results"),
    path("<int:pk>/drucken/", survey_print, name="print"),
    path("<int:pk>/fragebogen.pdf", survey_pdf, name="pdf"),
    path("<int:pk>/ergebnisse/veroeffentlichen/", results_publish, name="results_publish"),
    path("<int:pk>/ergebnisse/fragen/<int:question_pk>/", question_texts, name="texts"),
    path("<int:pk>/antworten/<int:answer_pk>/moderieren/", answer_moderate, name="moderate"),
    path("<int:pk>/antworten.<str:fmt>", responses_export, name="export"),
    path("<int:pk>/erfassen/", response_enter, name="enter"),
    path("<int:pk>/import/", import_start, name="import"),
    path("<int:pk>/import/vorlage.xlsx", import_template, name="import_template"),
    path("<int:pk>/import/<int:run_pk>/", import_run, name="import_run"),
    path("<int:pk>/bearbeiten/", survey_build, name="build"),
    path("<int:pk>/veroeffentlichen/", survey_publish, name="publish"),
    path("<int:pk>/vorschau/", survey_preview, name="preview"),
    path("<int:pk>/abschnitte/neu/", section_edit, name="section_add"),
    path("<int:pk>/abschnitte/<int:section_pk>/", section_edit, name="section_edit"),
    path("<int:pk>/fragen/neu/", question_edit, name="question_add"),
    path("<int:pk>/fragen/<int:question_pk>/", question_edit, name="question_edit"),
    path("<int:pk>/fragen/<int:question_pk>/loeschen/", question_delete, name="question_delete"),
]
