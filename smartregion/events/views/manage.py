"""The organizers' pages: create and change events, the attendee list with export and attendance, messages
to registrants, minutes with attachments, and workshop cards recorded as ideas.

Organizers are the program office, the coordinators of the event's municipality and the members of its
organizing organizations (events/rules.py); every view asks the permission first and answers 403 with
the reason, and the services ask again before they write.
"""

import csv
import io
from typing import Any, cast

import xlsxwriter
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartregion.core.forms import add_service_error
from smartregion.core.spreadsheets import spreadsheet_text
from smartregion.strategy.models import Domain

from .. import selectors, services
from ..forms import AttachmentForm, CardDefaultsForm, CardFormSet, EventForm, MessageForm, MinutesForm
from ..models import Event, MinutesAttachment, Registration

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _managed(request: HttpRequest, slug: str, perm: str) -> Event:
    """The event if the person holds ``perm`` for it; 404 for events they may not see, 403 otherwise."""
    try:
        event = selectors.event_get_for_manage(slug=slug)
    except Event.DoesNotExist as error:
        raise Http404(_("This event does not exist.")) from error
    if not request.user.has_perm("events.view_event", event):
        raise Http404(_("This event does not exist."))
    if not request.user.has_perm(perm, event):
        raise PermissionDenied(_("Only the organizers of this event may do this."))
    return event


def _refused(request: HttpRequest, event: Event, reason: str) -> HttpResponse:
    return render(
        request, "events/not_allowed.html", {"reason": reason, "back": event.get_absolute_url()}, status=403
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    """A new event (the office anywhere, coordinators in their municipalities)."""
    if not request.user.has_perm("events.create_event"):
        raise PermissionDenied(_("Only the program office and coordinators create events."))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=request.user, data=form.service_data(), organizers=form.cleaned_data["organizers"]
            )
        except ValidationError as error:
            add_service_error(cast(forms.Form, form), error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event.get_absolute_url())
    return render(
        request,
        "events/manage/event_form.html",
        {"form": form, "event": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change an event; fewer places than confirmed registrations are refused, more move people up."""
    event = _managed(request, slug, "events.manage_event")
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_update(
                actor=request.user,
                event=event,
                data=form.service_data(),
                organizers=form.cleaned_data["organizers"],
            )
        except ValidationError as error:
            add_service_error(cast(forms.Form, form), error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event.get_absolute_url())
    # A failed POST must not show the values the form wrote onto the instance as if they were saved.
    event.refresh_from_db()
    return render(
        request,
        "events/manage/event_form.html",
        {"form": form, "event": event},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendees(request: HttpRequest, slug: str) -> HttpResponse:
    """The attendee list (names only where people agreed to share them) and, once started, attendance."""
    event = _managed(request, slug, "events.view_attendees")
    may_mark = request.user.has_perm("events.mark_attendance", event)
    if request.method == "POST":
        if not may_mark:
            return _refused(request, event, _("Attendance can be recorded once the event has started."))
        present = [int(value) for value in request.POST.getlist("present") if value.isdigit()]
        count = services.attendance_mark(actor=request.user, event=event, present_ids=present)
        messages.success(request, _("Attendance is saved: %(count)s people attended.") % {"count": count})
        return redirect("events:attendees", slug=event.slug)
    rows = list(selectors.attendee_list(event=event))
    return render(
        request,
        "events/manage/attendees.html",
        {
            "event": event,
            "confirmed": [row for row in rows if row.status == Registration.Status.CONFIRMED],
            "waiting": [row for row in rows if row.status == Registration.Status.WAITING],
            "may_mark": may_mark,
            "may_message": request.user.has_perm("events.message_registrants", event),
        },
    )


def _export_rows(event: Event) -> list[list[Any]]:
    rows = []
    for registration in selectors.attendee_list(event=event):
        shared = registration.share_contact
        rows.append(
            [
                registration.position,
                str(Registration.Status(registration.status).label),
                registration.name if shared else _("(not shared)"),
                registration.email if shared else "",
                "" if registration.attended is None else (_("Yes") if registration.attended else _("No")),
            ]
        )
    return rows


def _export_header() -> list[str]:
    return [_("No."), _("Status"), _("Name"), _("E-mail address"), _("Attended")]


def _attachment_response(content: bytes, content_type: str, event: Event, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="teilnehmende-{event.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def attendees_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The attendee list as CSV for German spreadsheet programs (UTF-8 with BOM, semicolons)."""
    event = _managed(request, slug, "events.view_attendees")
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(_export_header())
    for row in _export_rows(event):
        writer.writerow([spreadsheet_text(value) if isinstance(value, str) else value for value in row])
    return _attachment_response(output.getvalue().encode("utf-8"), "text/csv; charset=utf-8", event, "csv")


@login_required
def attendees_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    """The attendee list as an Excel workbook; text cells are written as text, never as formulas."""
    event = _managed(request, slug, "events.view_attendees")
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet(_("Attendees")[:31])
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1})
    for column, title in enumerate(_export_header()):
        sheet.write_string(0, column, title, bold)
        sheet.set_column(column, column, (8, 20, 32, 36, 12)[column])
    for row_number, row in enumerate(_export_rows(event), start=1):
        for column, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(row_number, column, value)
            elif value:
                sheet.write_string(row_number, column, str(value))
    sheet.freeze_panes(1, 0)
    book.close()
    return _attachment_response(output.getvalue(), XLSX_TYPE, event, "xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def message(request: HttpRequest, slug: str) -> HttpResponse:
    """Write to the registrants (confirmed, optionally the waiting list too)."""
    event = _managed(request, slug, "events.manage_event")
    if not request.user.has_perm("events.message_registrants", event):
        return _refused(request, event, _("This event is over; its registrants can no longer be written to."))
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The message is being sent."))
            return redirect("events:attendees", slug=event.slug)
    return render(
        request,
        "events/manage/message.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, slug: str) -> HttpResponse:
    """Write and publish the minutes; add or remove attachments."""
    event = _managed(request, slug, "events.manage_event")
    if not request.user.has_perm("events.publish_minutes", event):
        return _refused(request, event, _("Minutes can be written once the event has started."))
    form = MinutesForm(
        request.POST if request.POST.get("form") == "minutes" else None,
        initial={"minutes": event.minutes, "publish": event.minutes_published_at is not None},
    )
    upload = AttachmentForm(
        request.POST if request.POST.get("form") == "attachment" else None,
        request.FILES if request.POST.get("form") == "attachment" else None,
    )
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            services.minutes_save(
                actor=request.user,
                event=event,
                text=form.cleaned_data["minutes"],
                publish=form.cleaned_data["publish"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect("events:minutes", slug=event.slug)
    if request.method == "POST" and upload.is_bound and upload.is_valid():
        try:
            services.attachment_add(
                actor=request.user,
                event=event,
                title=upload.cleaned_data["title"],
                upload=upload.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_error(upload, error)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("events:minutes", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "events/manage/minutes.html",
        {"event": event, "form": form, "upload": upload, "attachments": list(event.attachments.all())},
        status=status,
    )


@login_required
@require_POST
def attachment_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove a file from the minutes."""
    event = _managed(request, slug, "events.publish_minutes")
    attachment = get_object_or_404(MinutesAttachment, pk=pk, event=event)
    attachment.event = event
    services.attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("The file is removed."))
    return redirect("events:minutes", slug=event.slug)


def _domains(event: Event) -> Any:
    return Domain.objects.order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def cards(request: HttpRequest, slug: str) -> HttpResponse:
    """Record the workshop cards as ideas, many at once; empty rows are skipped, nothing typed is lost."""
    event = _managed(request, slug, "events.manage_event")
    if not request.user.has_perm("events.record_ideas", event):
        return _refused(
            request,
            event,
            _(
                "Ideas from an event can be recorded by the program office and the coordinators of its "
                "municipality once it has started."
            ),
        )
    if event.process is None:
        return _refused(
            request,
            event,
            _("This event belongs to no participation process, so its ideas have nowhere to go."),
        )
    domains = _domains(event)
    posted = request.method == "POST"
    defaults = CardDefaultsForm(
        request.POST if posted else None,
        domains=domains,
        initial={"domain": event.process.domains.order_by("name").first()},
    )
    formset = CardFormSet(request.POST if posted else None, form_kwargs={"domains": domains}, prefix="cards")
    if posted and defaults.is_valid() and formset.is_valid():
        filled = [card for card in formset.forms if card.is_filled]
        try:
            ideas = services.ideas_record_from_cards(
                actor=request.user,
                event=event,
                cards=[
                    services.Card(
                        title=card.cleaned_data["title"],
                        text=card.cleaned_data["text"],
                        domain=card.cleaned_data["domain"],
                    )
                    for card in filled
                ],
                domain=defaults.cleaned_data["domain"],
            )
        except ValidationError as error:
            add_service_error(defaults, error)
        else:
            messages.success(
                request, _("%(count)s ideas are published and linked to the event.") % {"count": len(ideas)}
            )
            return redirect(f"{event.get_absolute_url()}#ideas")
    return render(
        request,
        "events/manage/cards.html",
        {"event": event, "defaults": defaults, "formset": formset},
        status=400 if posted else 200,
    )


urlpatterns = [
    path("neu/", event_create, name="create"),
    path("<slug:slug>/bearbeiten/", event_edit, name="edit"),
    path("<slug:slug>/teilnehmende/", attendees, name="attendees"),
    path("<slug:slug>/teilnehmende.csv", attendees_csv, name="attendees_csv"),
    path("<slug:slug>/teilnehmende.xlsx", attendees_xlsx, name="attendees_xlsx"),
    path("<slug:slug>/nachricht/", message, name="message"),
    path("<slug:slug>/protokoll/", minutes, name="minutes"),
    path("<slug:slug>/protokoll/anhang/<int:pk>/entfernen/", attachment_delete, name="attachment_delete"),
    path("<slug:slug>/ideen-erfassen/", cards, name="cards"),
]
