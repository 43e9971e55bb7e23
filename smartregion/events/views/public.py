"""Public event pages: the calendar (list, map, iCal feed), an event with registration, and the mailed links
that confirm or cancel a registration without signing in.

Views parse, authorize, call one service or selector, and render. Service ValidationErrors go back onto
the form with status 400; refused actions get a page that says why (403); bad input never ends in a 500.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from smartregion.core.forms import add_service_error
from smartregion.network.selectors import municipality_list
from smartregion.participation.models import Process

from .. import selectors, services
from ..forms import EventFilterForm, RegistrationForm
from ..models import Event, Registration
from ..rules import registration_state

if TYPE_CHECKING:
    import icalendar

PAGE_SIZE = 20
REGISTER_IP_RATE = "30/h"
TOKEN_IP_RATE = "120/h"  # noqa: S105 - a rate limit, not a password


def _filter_form(request: HttpRequest) -> EventFilterForm:
    processes = list(
        Process.objects.filter(visibility=Process.Visibility.PUBLIC).only("slug", "title").order_by("title")
    )
    return EventFilterForm(request.GET or None, municipalities=list(municipality_list()), processes=processes)


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """The events, upcoming by default, filtered and paged; the filters are a plain GET form."""
    form = _filter_form(request)
    events = selectors.event_list(viewer=request.user, filters=form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/calendar.html",
        {
            "form": form,
            "page": page,
            "past": form.filters().when == "past",
            "may_create": request.user.has_perm("events.create_event"),
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def event_map(request: HttpRequest) -> HttpResponse:
    """The venues of the filtered events on a map, with a table of the same events."""
    form = _filter_form(request)
    events = selectors.event_list(viewer=request.user, filters=form.filters())
    geojson = selectors.event_geojson(events)
    rows = list(events.filter(latitude__isnull=False).prefetch_related(None))
    return render(
        request,
        "events/map.html",
        {"form": form, "geojson": geojson, "rows": rows, "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )


def _ical_event(event: Event) -> "icalendar.Event":
    import icalendar  # where a calendar is made: it costs a web worker 8 MiB (issue 15)

    entry = icalendar.Event()
    host = settings.SITE_URL.split("://", 1)[-1]
    url = settings.SITE_URL + event.get_absolute_url()
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    entry.add("description", f"{event.summary}\n\n{url}")
    entry.add("url", url)
    location = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    if location:
        entry.add("location", location)
    if event.has_location:
        entry.add("geo", (float(event.latitude), float(event.longitude)))  # type: ignore[arg-type]
    # The online link is for registered people only: it never goes into a public calendar file.
    entry.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    return entry


def _ical_response(events: Iterable[Event], *, name: str, filename: str) -> HttpResponse:
    import icalendar

    calendar_ = icalendar.Calendar()
    calendar_.add("prodid", "-//SmartRegion//Veranstaltungen//DE")
    calendar_.add("version", "2.0")
    calendar_.add("x-wr-calname", name)
    for event in events:
        calendar_.add_component(_ical_event(event))
    response = HttpResponse(calendar_.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def calendar_ical(request: HttpRequest) -> HttpResponse:
    """The filtered events as an iCal feed (the calendar's filters; at most 500 events)."""
    form = _filter_form(request)
    if form.errors:
        return HttpResponse(_("Some filters could not be used. Please check them."), status=400)
    events = selectors.event_list(viewer=request.user, filters=form.filters()).prefetch_related(None)
    return _ical_response(events[:500], name=_("Events"), filename="veranstaltungen.ics")


def _event_or_404(request: HttpRequest, slug: str) -> Event:
    try:
        return selectors.event_get(viewer=request.user, slug=slug)
    except Event.DoesNotExist as error:
        raise Http404(_("This event does not exist.")) from error


@require_GET
def event_ical(request: HttpRequest, slug: str) -> HttpResponse:
    """One event as an iCal file."""
    event = _event_or_404(request, slug)
    return _ical_response([event], name=event.title, filename=f"{event.slug}.ics")


def _event_page(
    request: HttpRequest, event: Event, *, form: RegistrationForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    own = selectors.registration_of(user=user, event=event)
    guest = not user.is_authenticated
    state = registration_state(event)
    may_register = own is None and user.has_perm("events.register_event", event)
    minutes_public = event.minutes_published_at is not None
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            # A draft process is named only to those who may see it.
            "process": event.process if user.has_perm("participation.view_process", event.process) else None,
            "state": state,
            "own": own,
            "may_register": may_register,
            "form": form or (RegistrationForm(guest=guest) if may_register else None),
            "guest": guest,
            "may_manage": user.has_perm("events.manage_event", event),
            "show_online_link": bool(event.online_url) and user.has_perm("events.view_online_link", event),
            "minutes_public": minutes_public,
            "attachments": list(event.attachments.all()) if minutes_public else [],
            "ideas": selectors.event_ideas(event=event),
            "geojson": selectors.event_geojson(Event.objects.filter(pk=event.pk))
            if event.has_location and settings.MAP_TILE_URL
            else None,
        },
        status=status,
    )


@require_GET
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An event: when, where, accessibility, organizers, registration, minutes and the ideas from it."""
    return _event_page(request, _event_or_404(request, slug))


@require_POST
@ratelimit(key="ip", rate=REGISTER_IP_RATE, method="POST", block=True)
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    """Register: signed-in people at once, guests after confirming their e-mail address."""
    event = _event_or_404(request, slug)
    guest = not request.user.is_authenticated
    form = RegistrationForm(request.POST, guest=guest)
    if not form.is_valid():
        return _event_page(request, event, form=form, status=400)
    try:
        registration = services.registration_create(
            event=event,
            user=None if guest else request.user,
            name=form.cleaned_data.get("name", ""),
            email=form.cleaned_data.get("email", ""),
            share_contact=form.cleaned_data["share_contact"],
        )
    except ValidationError as error:
        add_service_error(form, error)
        return _event_page(request, event, form=form, status=400)
    except PermissionDenied:
        form.add_error(None, services.closed_message(registration_state(event)))
        return _event_page(request, event, form=form, status=400)
    if registration.status == Registration.Status.PENDING:
        messages.success(
            request,
            _(
                "Almost done: we have sent you an e-mail. "
                "Please confirm your registration with the link in it."
            ),
        )
    elif registration.status == Registration.Status.CONFIRMED:
        messages.success(request, _("You are registered. We have sent you a confirmation by e-mail."))
    else:
        messages.success(
            request, _("The event is fully booked: you are on the waiting list and move up automatically.")
        )
    return redirect(f"{event.get_absolute_url()}#registration")


@login_required
@require_POST
def event_cancel_own(request: HttpRequest, slug: str) -> HttpResponse:
    """A signed-in person cancels their registration from the event page."""
    event = _event_or_404(request, slug)
    own = selectors.registration_of(user=request.user, event=event)
    if own is None:
        messages.info(request, _("You are not registered for this event."))
        return redirect(event.get_absolute_url())
    try:
        services.registration_cancel(actor=request.user, registration=own)
    except (ValidationError, PermissionDenied):
        return render(
            request,
            "events/not_allowed.html",
            {
                "reason": _("This event is over; registrations can no longer be cancelled."),
                "back": event.get_absolute_url(),
            },
            status=400,
        )
    messages.success(request, _("Your registration is cancelled."))
    return redirect(f"{event.get_absolute_url()}#registration")


def _token_page(request: HttpRequest, template: str, token: str, **context: Any) -> HttpResponse:
    registration = selectors.registration_by_token(token=token)
    if registration is None:
        return render(request, template, {"invalid": True, **context}, status=400)
    return render(request, template, {"registration": registration, "event": registration.event, **context})


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=TOKEN_IP_RATE, method="POST", block=True)
def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The guest's confirmation link: GET asks (mail scanners must not confirm), POST confirms."""
    if request.method == "GET":
        return _token_page(request, "events/confirm.html", token)
    try:
        registration = services.registration_confirm(token=token)
    except ValidationError as error:
        return _token_page(request, "events/confirm.html", token, error=" ".join(error.messages))
    return render(
        request,
        "events/confirm.html",
        {"registration": registration, "event": registration.event, "done": True},
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=TOKEN_IP_RATE, method="POST", block=True)
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The cancel link from every mail: GET asks, POST cancels; a second POST changes nothing."""
    if request.method == "GET":
        return _token_page(request, "events/cancel.html", token)
    try:
        registration, _changed = services.registration_cancel_by_token(token=token)
    except ValidationError as error:
        return _token_page(request, "events/cancel.html", token, error=" ".join(error.messages))
    return render(
        request,
        "events/cancel.html",
        {"registration": registration, "event": registration.event, "done": True},
    )


urlpatterns = [
    path("", calendar, name="calendar"),
    path("karte/", event_map, name="map"),
    path("kalender.ics", calendar_ical, name="calendar_ical"),
    path("anmeldung/<str:token>/bestaetigen/", registration_confirm, name="confirm"),
    path("anmeldung/<str:token>/absagen/", registration_cancel, name="cancel"),
    path("<slug:slug>/", event_detail, name="event"),
    path("<slug:slug>/kalender.ics", event_ical, name="event_ical"),
    path("<slug:slug>/anmelden/", event_register, name="register"),
    path("<slug:slug>/absagen/", event_cancel_own, name="cancel_own"),
]
