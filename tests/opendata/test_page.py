"""The open-data page and the links to it: footer, sitemap, feed links in the pages' heads."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartregion.opendata.datasets import DATASETS

from ..participation.factories import IdeaFactory
from .conftest import fill_measure


def test_page_lists_every_dataset_with_its_downloads_and_columns(client, public_data):
    response = client.get(reverse("opendata:index"))

    assert response.status_code == 200
    html = response.content.decode()
    for dataset in DATASETS:
        assert f'id="{dataset.slug}"' in html
        for fmt in dataset.formats:
            assert reverse("opendata:download", kwargs={"slug": dataset.slug, "fmt": fmt}) in html
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in html
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in html
    assert reverse("opendata:catalog") in html
    assert reverse("opendata:idea_feed") in html
    assert reverse("opendata:measure_feed") in html
    assert reverse("opendata:phases_calendar") in html
    assert "Kreisverwaltung Teststadt" in html


def test_page_makes_a_fixed_number_of_queries(client, public_data, program, make_measure, office):
    url = reverse("opendata:index")
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(20):
        IdeaFactory(process=public_data["process"], title=f"Idee {n}")
        fill_measure(make_measure(title=f"Maßnahme {n}"), office, program, year=2027, title=f"M {n}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)

    assert len(after) == len(before)


def test_page_in_english(client, public_data):
    client.cookies["django_language"] = "en"

    response = client.get(reverse("opendata:index"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200


def test_footer_links_the_page(client, municipality):
    html = client.get(reverse("web:home")).content.decode()

    assert f'href="{reverse("opendata:index")}"' in html
    assert "Offene Daten" in html


def test_sitemap_lists_the_page(client, municipality):
    assert reverse("opendata:index") in client.get("/sitemap.xml").content.decode()


def test_pages_announce_their_feeds(client, public_data):
    ideas = client.get(reverse("participation:idea_list")).content.decode()
    process = client.get(public_data["process"].get_absolute_url()).content.decode()
    explorer = client.get(reverse("strategy:explorer")).content.decode()

    alternate = '<link rel="alternate" type="application/atom+xml" href="{}"'
    assert alternate.format(reverse("opendata:idea_feed")) in ideas
    assert alternate.format(reverse("opendata:process_idea_feed", kwargs={"slug": "radverkehr"})) in process
    assert reverse("opendata:process_calendar", kwargs={"slug": "radverkehr"}) in process
    assert alternate.format(reverse("opendata:measure_feed")) in explorer
