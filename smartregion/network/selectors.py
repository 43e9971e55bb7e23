"""Reads for the region, municipalities and the partner network."""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum

from .models import Membership, Municipality, Organization, Region


@dataclass(frozen=True)
class KeyFacts:
    """The program's key figures shown on the start page."""

    municipality_count: int
    city_count: int
    population: int
    local_partner_count: int
    external_partner_count: int
    expert_board_size: int

    @property
    def verbandsgemeinde_count(self) -> int:
        """Member municipalities that are Verbandsgemeinden (all that are not cities)."""
        return self.municipality_count - self.city_count


# Every page shows the region (header, footer), so it is read from the default cache. A change puts the
# new state there (NetworkConfig.ready); where the cache is not shared (the embedded set-up's local memory,
# several workers) another worker shows it at the latest after REGION_CACHE_SECONDS.
REGION_CACHE_KEY = "network:region"
REGION_CACHE_SECONDS = 60


def region_get() -> Region | None:
    """The installation's region (there is one)."""
    region = cache.get(REGION_CACHE_KEY)
    return region if region is not None else region_reread()


def strategy_level_names() -> tuple[str, str]:
    """What the region calls the strategy's top level and the level below it (MYK: Zielbild, Integrierte
    Lösung), for headings outside the pages' context (PDFs, spreadsheets)."""
    region = region_get() or Region()
    return region.goal_level, region.strategy_level


def region_reread() -> Region | None:
    """The region from the database, into the cache."""
    region = Region.objects.order_by("pk").first()
    if region is None:
        cache.delete(REGION_CACHE_KEY)
    else:
        cache.set(REGION_CACHE_KEY, region, timeout=REGION_CACHE_SECONDS)
    return region


def municipality_list() -> QuerySet[Municipality]:
    """Member municipalities, alphabetical."""
    return Municipality.objects.order_by("name")


def municipality_get(*, slug: str) -> Municipality:
    """One municipality with its local organizations; raises DoesNotExist."""
    return Municipality.objects.prefetch_related("organizations").get(slug=slug)


def municipality_geojson(municipalities: QuerySet[Municipality] | list[Municipality]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946: WGS84, longitude first) of municipality points."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": m.slug,
                "geometry": {"type": "Point", "coordinates": [float(m.longitude), float(m.latitude)]},
                "properties": {
                    "name": m.name,
                    "kind": m.kind,
                    "population": m.population,
                    "url": m.get_absolute_url(),
                },
            }
            for m in municipalities
        ],
    }


def key_facts() -> KeyFacts:
    """Counts for the start page, in two queries whatever the data size."""
    municipalities = Municipality.objects.aggregate(
        total=Count("pk"),
        cities=Count("pk", filter=Q(kind=Municipality.Kind.CITY)),
        population=Sum("population"),
    )
    kinds = Organization.Kind
    organizations = Organization.objects.aggregate(
        local=Count("pk", filter=Q(kind=kinds.LOCAL_PARTNER)),
        external=Count("pk", filter=Q(kind=kinds.EXTERNAL_PARTNER)),
        board=Count(
            "memberships",
            filter=Q(kind=kinds.EXPERT_BOARD) & Q(memberships__until__isnull=True),
        ),
    )
    return KeyFacts(
        municipality_count=municipalities["total"],
        city_count=municipalities["cities"],
        population=municipalities["population"] or 0,
        local_partner_count=organizations["local"],
        external_partner_count=organizations["external"],
        expert_board_size=organizations["board"],
    )


def organization_list(*, kind: str | None = None) -> QuerySet[Organization]:
    """Organizations of the network with their municipality, optionally of one kind."""
    qs = Organization.objects.select_related("municipality").order_by("kind", "name")
    return qs.filter(kind=kind) if kind else qs


def expert_board_members() -> QuerySet[Membership]:
    """Current members of the expert advisory board (public: names as they chose to show them)."""
    return (
        Membership.objects.filter(organization__kind=Organization.Kind.EXPERT_BOARD, until__isnull=True)
        .select_related("user")
        .order_by("role", "user__display_name")
    )


def membership_export_for(user: Any) -> list[dict[str, Any]]:
    """The memberships section of a person's GDPR export."""
    return [
        {
            "organization": m.organization.name,
            "role": m.role,
            "since": m.since.isoformat(),
            "until": m.until.isoformat() if m.until else None,
        }
        for m in Membership.objects.filter(user=user).select_related("organization").order_by("since")
    ]
