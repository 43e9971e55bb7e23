"""factory_boy factories for events; ``state`` places the event and its registration window around now."""

import datetime
from typing import Any

import factory
from django.utils import timezone

from smartregion.events.models import Event, EventFormat

DAY = datetime.timedelta(days=1)

# (starts in days, registration opens in days, registration closes in days) relative to now.
STATES: dict[str, tuple[float, float | None, float | None]] = {
    "before": (20, 5, None),  # registration has not opened yet
    "open": (10, None, None),
    "closed": (10, -5, -1),  # the registration window is over, the event still to come
    "past": (-10, None, None),
}


class EventFactory(factory.django.DjangoModelFactory):
    """A published workshop with a venue; ``state`` is one of STATES."""

    class Meta:
        model = Event
        exclude = ("state",)
        skip_postgeneration_save = True

    state = "open"
    title = factory.Sequence(lambda n: f"Werkstatt {n}")
    slug = factory.Sequence(lambda n: f"werkstatt-{n}")
    summary = "Eine Werkstatt"
    format = EventFormat.WORKSHOP
    status = Event.Status.PUBLISHED
    venue_name = "Bürgerhaus"
    venue_address = "Hauptstraße 1, 56626 Andernach"
    capacity = 10
    starts_at = factory.LazyAttribute(lambda event: timezone.now() + STATES[event.state][0] * DAY)
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=3))
    registration_opens_at = factory.LazyAttribute(
        lambda event: (
            None if STATES[event.state][1] is None else timezone.now() + STATES[event.state][1] * DAY
        )
    )
    registration_closes_at = factory.LazyAttribute(
        lambda event: (
            None if STATES[event.state][2] is None else timezone.now() + STATES[event.state][2] * DAY
        )
    )

    @factory.post_generation
    def organizers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.organizers.set(extracted)
