"""Reads for events, shaped so that every page makes a fixed number of queries."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from smartregion.accounts.predicates import is_program_office
from smartregion.participation.models import PUBLIC_IDEA_STATUSES, Idea, Process

from .models import ACTIVE_STATUSES, Event, MinutesAttachment, Registration


@dataclass(frozen=True)
class EventFilters:
    """What the calendar is narrowed to; the same filters serve the list, the map and the iCal feed."""

    municipality: str = ""
    format: str = ""
    process: str = ""
    when: str = "upcoming"  # "upcoming" or "past"
    step_free: bool = False


def _visible(viewer: Any) -> Q:
    """Published and cancelled events for everyone; drafts for the office and the organizers."""
    visible = ~Q(status=Event.Status.DRAFT)
    if is_program_office(viewer):
        return Q()
    if getattr(viewer, "is_authenticated", False):
        coordinated = [m for role, m in viewer.role_grants if role == "coordinator"]
        today = timezone.localdate()
        visible |= Q(municipality_id__in=coordinated) | Q(
            Q(organizers__memberships__until__isnull=True) | Q(organizers__memberships__until__gte=today),
            organizers__memberships__user=viewer,
            organizers__memberships__since__lte=today,
        )
    return visible


def event_list(*, viewer: Any, filters: EventFilters) -> QuerySet[Event]:
    """Events the viewer may see, filtered; upcoming ones soonest first, past ones latest first."""
    qs = (
        Event.objects.filter(pk__in=Event.objects.filter(_visible(viewer)).values("pk"))
        .select_related("municipality", "process")
        .prefetch_related("organizers")
    )
    now = timezone.now()
    if filters.municipality:
        qs = qs.filter(municipality__slug=filters.municipality)
    if filters.format:
        qs = qs.filter(format=filters.format)
    if filters.process:
        qs = qs.filter(process__slug=filters.process)
    if filters.step_free:
        qs = qs.filter(step_free=True)
    if filters.when == "past":
        return qs.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    return qs.filter(ends_at__gt=now).order_by("starts_at", "id")


def event_search(
    *,
    viewer: Any,
    municipality: str = "",
    process: str = "",
    format: str = "",
    starts_from: datetime.date | None = None,
    starts_until: datetime.date | None = None,
) -> QuerySet[Event]:
    """Events the viewer may see that start within the given days (both included), soonest first; the
    API's list, which unlike the calendar is not split into upcoming and past."""
    qs = (
        Event.objects.filter(pk__in=Event.objects.filter(_visible(viewer)).values("pk"))
        .select_related("municipality", "process")
        .prefetch_related("organizers")
    )
    if municipality:
        qs = qs.filter(municipality__slug=municipality)
    if process:
        qs = qs.filter(process__slug=process)
    if format:
        qs = qs.filter(format=format)
    if starts_from is not None:
        qs = qs.filter(starts_at__date__gte=starts_from)
    if starts_until is not None:
        qs = qs.filter(starts_at__date__lte=starts_until)
    return qs.order_by("starts_at", "id")


def event_get(*, viewer: Any, slug: str) -> Event:
    """One event the viewer may see, with what its page shows; raises Event.DoesNotExist."""
    return (
        Event.objects.filter(pk__in=Event.objects.filter(_visible(viewer)).values("pk"))
        .select_related("municipality", "process")
        .prefetch_related("organizers", "attachments")
        .get(slug=slug)
    )


def event_get_for_manage(*, slug: str) -> Event:
    """One event for the organizers' pages (permission is asked by the caller)."""
    return (
        Event.objects.select_related("municipality", "process").prefetch_related("organizers").get(slug=slug)
    )


def attachment_by_path(path: str) -> MinutesAttachment | None:
    """The attachment of minutes stored under ``path`` (relative to MEDIA_ROOT), with its event."""
    return MinutesAttachment.objects.select_related("event").filter(file=path).first()


def event_ideas(*, event: Event) -> list[Idea]:
    """The public ideas recorded at the event, newest first."""
    return list(
        Idea.objects.filter(
            source_event=event,
            status__in=PUBLIC_IDEA_STATUSES,
            process__visibility=Process.Visibility.PUBLIC,
        )
        .select_related("assisted")
        .order_by("-published_at", "-id")
    )


def registration_of(*, user: Any, event: Event) -> Registration | None:
    """The person's active registration for the event, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(event=event, user=user, status__in=ACTIVE_STATUSES).first()


def registration_by_token(*, token: str) -> Registration | None:
    """The registration a mailed link names, with its event."""
    if not token:
        return None
    return Registration.objects.select_related("event").filter(token=token).first()


def attendee_list(*, event: Event) -> QuerySet[Registration]:
    """Confirmed registrations first, then the waiting list in its order; no pending or cancelled ones."""
    return (
        Registration.objects.filter(
            event=event, status__in=(Registration.Status.CONFIRMED, Registration.Status.WAITING)
        )
        .select_related("user")
        .order_by("-status", "position", "id")
    )


def event_geojson(events: QuerySet[Event]) -> dict[str, Any]:
    """Events with a venue point as GeoJSON (RFC 7946: WGS84, longitude first)."""
    located = events.filter(latitude__isnull=False).select_related(None)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": event.pk,
                "geometry": {"type": "Point", "coordinates": [float(event.longitude), float(event.latitude)]},
                "properties": {"name": event.title, "url": event.get_absolute_url()},
            }
            for event in located.only("id", "slug", "title", "latitude", "longitude")
            if event.latitude is not None and event.longitude is not None
        ],
    }


def personal_data_export_for(user: Any) -> list[dict[str, Any]]:
    """The events section of a person's GDPR export: their registrations."""
    return [
        {
            "event": registration.event.title,
            "starts": registration.event.starts_at,
            "status": registration.status,
            "name": registration.name,
            "email": registration.email,
            "shares_contact_with_organizers": registration.share_contact,
            "registered": registration.created_at,
            "attended": registration.attended,
        }
        for registration in Registration.objects.filter(user=user)
        .select_related("event")
        .order_by("created_at")
    ]
