"""Template context every page needs: the region, the optional map tile server."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from smartregion.network.selectors import region_get


def site(request: HttpRequest) -> dict[str, Any]:
    """Lazily the region (one query, only on pages that show it) and map settings."""
    return {
        "region": SimpleLazyObject(region_get),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
