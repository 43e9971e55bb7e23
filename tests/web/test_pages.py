"""The public pages: fixed query counts, GeoJSON, sitemap, robots.txt, errors and the language switch."""

import datetime
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartregion.network.models import Membership, Municipality, Organization, Region
from smartregion.web.sitemaps import STATIC_PAGES

from ..factories import MembershipFactory, MunicipalityFactory, OrganizationFactory
from ..html import text

# Pages whose data grows with the network (STYLE.md rule 5).
GROWING_PAGES = (
    "/",
    "/netzwerk/",
    "/kommunen/andernach/",
    "/kommunen.geojson",
    "/sitemap.xml",
    "/robots.txt",
)


@dataclass(frozen=True)
class Network:
    region: Region
    andernach: Municipality
    board: Organization


@pytest.fixture
def network(region, municipality, other_municipality) -> Network:
    """A small network: two municipalities, partners of every scope and an expert board of two."""
    OrganizationFactory(
        name="Bürgerverein Andernach", kind=Organization.Kind.LOCAL_PARTNER, municipality=municipality
    )
    OrganizationFactory(
        name="Stadtverwaltung Andernach",
        kind=Organization.Kind.MUNICIPAL_ADMINISTRATION,
        municipality=municipality,
    )
    OrganizationFactory(name="Hochschule Koblenz", kind=Organization.Kind.EXTERNAL_PARTNER)
    board = OrganizationFactory(name="Expertenbeirat", kind=Organization.Kind.EXPERT_BOARD)
    MembershipFactory(organization=board, role=Membership.Role.CHAIR)
    MembershipFactory(organization=board)
    return Network(region=region, andernach=municipality, board=board)


def _grow(network: Network, n: int = 20) -> None:
    """``n`` more municipalities, organizations (half of them local to Andernach) and board members."""
    for i in range(n):
        MunicipalityFactory(
            region=network.region, latitude=Decimal("50.1") + Decimal(i) / 100, longitude=Decimal("7.1")
        )
        OrganizationFactory(
            kind=Organization.Kind.LOCAL_PARTNER if i % 2 else Organization.Kind.EXTERNAL_PARTNER,
            municipality=network.andernach if i % 2 else None,
        )
        MembershipFactory(
            organization=network.board, since=datetime.date(2022, 1, 1) + datetime.timedelta(days=i)
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


@pytest.mark.parametrize("role", ["anonymous", "program_office"])
@pytest.mark.parametrize("url", GROWING_PAGES)
def test_query_count_does_not_grow_with_the_network(client, signed_in, network, role, url):
    signed_in(role)
    client.get(url)  # warm up per-process caches (content types, templates)
    baseline = _queries(client, url)

    _grow(network)

    assert _queries(client, url) == baseline


# --- GeoJSON ---------------------------------------------------------------------------------------


def test_geojson_is_an_rfc7946_feature_collection_of_points(client, municipality, other_municipality):
    response = client.get("/kommunen.geojson")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        assert set(feature["properties"]) >= {"name", "url"}


def test_geojson_coordinates_are_longitude_first(client, region):
    MunicipalityFactory(
        region=region, name="Mayen", slug="mayen", latitude=Decimal("50.32960"), longitude=Decimal("7.22130")
    )

    [feature] = json.loads(client.get("/kommunen.geojson").content)["features"]

    assert feature["geometry"]["coordinates"] == [7.2213, 50.3296]
    assert feature["properties"]["name"] == "Mayen"
    assert feature["properties"]["url"] == "/kommunen/mayen/"


def test_geojson_of_an_empty_network_is_an_empty_collection(client, db):
    assert json.loads(client.get("/kommunen.geojson").content) == {
        "type": "FeatureCollection",
        "features": [],
    }


# --- Sitemap and robots.txt ------------------------------------------------------------------------


def test_sitemap_lists_every_public_page_and_every_municipality(client, municipality, other_municipality):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    locations = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    expected = [f"http://testserver{reverse(name)}" for name in STATIC_PAGES] + [
        "http://testserver/kommunen/andernach/",
        "http://testserver/kommunen/mendig/",
    ]
    assert sorted(locations) == sorted(expected)


def test_every_page_in_the_sitemap_answers(client, municipality):
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own sitemap
    for loc in root.findall("s:url/s:loc", namespace):
        path = loc.text.removeprefix("http://testserver")
        assert client.get(path).status_code == 200, path


def test_robots_txt_keeps_crawlers_out_of_accounts_and_admin_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /konto/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# --- Errors ----------------------------------------------------------------------------------------


def test_unknown_municipality_is_a_german_404_page(client, municipality):
    response = client.get("/kommunen/atlantis/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert "Seite nicht gefunden" in text(html)


def test_unknown_address_is_a_german_404_page(client, db):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert "Seite nicht gefunden" in text(response.content.decode())


def test_municipality_page_lists_its_local_organizations_only(client, municipality, network):
    html = text(client.get("/kommunen/andernach/").content.decode())

    assert "Bürgerverein Andernach" in html
    assert "Hochschule Koblenz" not in html


def test_favicon_ico_points_to_the_svg_icon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"


# --- Language --------------------------------------------------------------------------------------


def test_pages_are_german_by_default_whatever_the_browser_asks_for(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="de"' in response.content.decode()
    assert response["Content-Language"] == "de"


def test_language_switch_to_english_sticks(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    response = client.get("/")

    assert '<html lang="en"' in response.content.decode()
    assert response["Content-Language"] == "en"
    assert "Cookie" in response["Vary"]


def test_language_switch_ignores_unknown_languages(client, db):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    assert '<html lang="de"' in client.get("/").content.decode()


def test_staff_are_told_when_the_maps_have_no_base_map(client, make_person, region, municipality, settings):
    """Without MAP_TILE_URL the maps are points on grey: the program office reads why, visitors do not."""
    note = "Hinweis für das Programmbüro: Die Karte zeigt keine Hintergrundkarte"
    url = reverse("web:municipality", args=[municipality.slug])
    assert note not in client.get(url).content.decode()
    client.force_login(make_person("program_office"))
    assert note in client.get(url).content.decode()
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert note not in client.get(url).content.decode()
