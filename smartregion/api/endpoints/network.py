"""The region's municipalities and the partner organizations."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from smartregion.network import selectors
from smartregion.network.apps import PAGES

from ..schemas import MunicipalityOut, OrganizationOut
from .common import READ_ERRORS, cached

router = Router(tags=["Netzwerk"])


@router.get("/municipalities", response={200: list[MunicipalityOut], **READ_ERRORS}, summary="Kommunen")
@cached(PAGES)
def municipalities(request: HttpRequest) -> Any:
    return selectors.municipality_list()


@router.get("/organizations", response={200: list[OrganizationOut], **READ_ERRORS}, summary="Organisationen")
@cached(PAGES)
def organizations(request: HttpRequest) -> Any:
    return selectors.organization_list()
