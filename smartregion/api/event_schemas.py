"""What the API reads about events. Public data only: never the online link (registered people get it by
e-mail), never a registration, name or e-mail address (``tests/api/test_personal_data.py`` checks)."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema


class EventOut(Schema):
    slug: str
    title: str
    summary: str
    url: str = Field(description="Die Seite der Veranstaltung, mit der Anmeldung")
    ical: str = Field(description="Die Veranstaltung als iCal-Datei (text/calendar)")
    format: str = Field(description="workshop, citizen_forum, online_dialogue, info_stand oder hybrid")
    status: str = Field(description="published oder cancelled (abgesagt)")
    process: str | None = Field(description="Kurzname des Verfahrens, zu dem sie gehört")
    municipality: str | None = Field(description="Kurzname der Kommune; null: die ganze Region oder online")
    organizers: list[str] = Field(description="Kurznamen der veranstaltenden Organisationen")
    starts_at: datetime
    ends_at: datetime
    venue_name: str
    venue_address: str
    latitude: float | None
    longitude: float | None
    online: bool = Field(description="Findet (auch) online statt; den Zugang erhalten Angemeldete per E-Mail")
    capacity: int | None = Field(description="Plätze; null: ohne Begrenzung")
    free_places: int | None = Field(description="Freie Plätze; null: ohne Begrenzung")
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    step_free: bool = Field(description="Stufenloser Zugang")
    hearing_loop: bool = Field(description="Induktionsschleife")
    sign_language_on_request: bool = Field(description="Gebärdensprachdolmetschung auf Anfrage")
    accessibility_notes: str

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return str(context["request"].build_absolute_uri(obj.get_absolute_url()))

    @staticmethod
    def resolve_ical(obj: Any, context: Any) -> str:
        path = reverse("events:event_ical", kwargs={"slug": obj.slug})
        return str(context["request"].build_absolute_uri(path))

    @staticmethod
    def resolve_process(obj: Any) -> str | None:
        return obj.process.slug if obj.process_id else None

    @staticmethod
    def resolve_municipality(obj: Any) -> str | None:
        return obj.municipality.slug if obj.municipality_id else None

    @staticmethod
    def resolve_organizers(obj: Any) -> list[str]:
        return [organization.slug for organization in obj.organizers.all()]

    @staticmethod
    def resolve_latitude(obj: Any) -> float | None:
        return None if obj.latitude is None else float(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: Any) -> float | None:
        return None if obj.longitude is None else float(obj.longitude)

    @staticmethod
    def resolve_online(obj: Any) -> bool:
        return bool(obj.is_online)


class EventDetailOut(EventOut):
    description: str = Field(description="Markdown")
    minutes: str | None = Field(description="Protokoll (Markdown), sobald veröffentlicht; sonst null")

    @staticmethod
    def resolve_minutes(obj: Any) -> str | None:
        return obj.minutes if obj.minutes_published_at else None


class EventList(Schema):
    count: int
    next: str | None = Field(description="Adresse der nächsten Seite; null auf der letzten")
    ical: str = Field(description="Dieselben Veranstaltungen als iCal-Feed (höchstens 500)")
    results: list[EventOut]
