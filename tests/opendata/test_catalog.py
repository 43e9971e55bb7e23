"""The DCAT-AP.de catalogue: parses as RDF, says for every dataset and distribution what GovData requires,
and every address in it answers."""

from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from smartregion.opendata.datasets import DATASETS

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SITE = "https://daten.example.org"
CONTRIBUTOR = "http://dcat-ap.de/def/contributors/testKreis"

DATASET_PROPERTIES = (
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.publisher,
    DCATDE.contributorID,
    DCATDE.politicalGeocodingURI,
    DCATDE.politicalGeocodingLevelURI,
    DCTERMS.accrualPeriodicity,
    DCAT.theme,
    DCTERMS.modified,
    DCAT.contactPoint,
    DCAT.keyword,
    DCAT.distribution,
)
DISTRIBUTION_PROPERTIES = (
    DCAT.accessURL,
    DCAT.downloadURL,
    DCTERMS.format,
    DCAT.mediaType,
    DCTERMS.license,
    DCATDE.licenseAttributionByText,
)


def _graph(client) -> tuple[Graph, object]:
    response = client.get(reverse("opendata:catalog"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rdf+xml; charset=utf-8"
    graph = Graph()
    graph.parse(data=response.content, format="xml")
    return graph, response


@pytest.fixture
def configured():
    with override_settings(SITE_URL=SITE, OPENDATA_CONTRIBUTOR_ID=CONTRIBUTOR):
        yield


def test_every_dataset_and_distribution_has_the_required_properties(client, public_data, configured):
    graph, _response = _graph(client)

    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(DATASETS)
    assert set(graph.objects(catalogs[0], DCAT.dataset)) == set(datasets)
    for dataset in datasets:
        missing = [str(p) for p in DATASET_PROPERTIES if graph.value(dataset, p) is None]
        assert not missing, f"{dataset} lacks {missing}"
        assert graph.value(dataset, DCATDE.contributorID) == URIRef(CONTRIBUTOR)
        assert graph.value(dataset, DCATDE.politicalGeocodingURI) == URIRef(
            "http://dcat-ap.de/def/politicalGeocoding/districtKey/07137"
        )
        assert str(graph.value(dataset, DCTERMS.accrualPeriodicity)).startswith(
            "http://publications.europa.eu/resource/authority/frequency/"
        )
        for theme in graph.objects(dataset, DCAT.theme):
            assert str(theme).startswith("http://publications.europa.eu/resource/authority/data-theme/")
        publisher = graph.value(dataset, DCTERMS.publisher)
        assert (publisher, RDF.type, FOAF.Agent) in graph
        assert graph.value(publisher, FOAF.name) is not None
        contact = graph.value(dataset, DCAT.contactPoint)
        assert str(graph.value(contact, VCARD.hasEmail)).startswith("mailto:")
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert len(distributions) >= 3
        for distribution in distributions:
            assert (distribution, RDF.type, DCAT.Distribution) in graph
            missing = [str(p) for p in DISTRIBUTION_PROPERTIES if graph.value(distribution, p) is None]
            assert not missing, f"{distribution} lacks {missing}"
            assert str(graph.value(distribution, DCTERMS.format)).startswith(
                "http://publications.europa.eu/resource/authority/file-type/"
            )


def test_every_access_url_answers(client, public_data, configured):
    graph, _response = _graph(client)

    urls = {str(url) for url in graph.objects(None, DCAT.accessURL)}
    assert len(urls) == sum(len(dataset.formats) for dataset in DATASETS)
    for url in sorted(urls):
        assert url.startswith(SITE)
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url


def test_geojson_only_where_there_is_a_location(client, public_data, configured):
    graph, _response = _graph(client)

    geojson = URIRef("http://publications.europa.eu/resource/authority/file-type/GEOJSON")
    with_geojson = {str(d).rsplit("/", 1)[-1] for d in graph.subjects(DCTERMS.format, geojson)}
    assert with_geojson == {"ideen.geojson", "kommunen.geojson"}


@pytest.mark.parametrize(
    ("setting", "uri"),
    [
        ("dl-by-de/2.0", "http://dcat-ap.de/def/licenses/dl-by-de/2.0"),
        ("cc-by/4.0", "http://dcat-ap.de/def/licenses/cc-by/4.0"),
    ],
)
def test_the_licence_setting_is_honoured(client, public_data, setting, uri):
    with override_settings(OPENDATA_LICENSE=setting):
        graph, _response = _graph(client)
        licences = set(graph.objects(None, DCTERMS.license))
        page = client.get(reverse("opendata:index")).content.decode()
        data = client.get(reverse("opendata:download", kwargs={"slug": "kommunen", "fmt": "json"}))
        meta = b"".join(data.streaming_content).decode()

    assert licences == {URIRef(uri)}
    assert uri in meta
    other = "cc-by/4.0" if setting == "dl-by-de/2.0" else "dl-by-de/2.0"
    assert other not in page


def test_publisher_and_contact_from_the_settings(client, public_data):
    with override_settings(
        OPENDATA_PUBLISHER_NAME="Kreisverwaltung Mayen-Koblenz",
        OPENDATA_PUBLISHER_URL="https://www.kvmyk.de/",
        PROGRAM_OFFICE_EMAIL="opendata@example.org",
    ):
        graph, _response = _graph(client)

    publisher = URIRef("https://www.kvmyk.de/")
    assert str(graph.value(publisher, FOAF.name)) == "Kreisverwaltung Mayen-Koblenz"
    assert URIRef("mailto:opendata@example.org") in set(graph.objects(None, VCARD.hasEmail))


def test_publisher_defaults_to_the_region_operator(client, public_data):
    graph, _response = _graph(client)

    names = {str(name) for name in graph.objects(None, FOAF.name)}
    assert names == {"Kreisverwaltung Teststadt"}


def test_an_unknown_licence_fails_the_system_check():
    from smartregion.opendata.catalog import check_opendata_settings

    with override_settings(OPENDATA_LICENSE="cc0"):
        errors = check_opendata_settings()
    assert [error.id for error in errors] == ["opendata.E001"]
    assert check_opendata_settings() == []


def test_the_catalogue_is_german_whatever_the_visitor_language(client, public_data):
    client.cookies["django_language"] = "en"
    graph, _response = _graph(client)

    titles = {str(title) for title in graph.objects(None, DCTERMS.title)}
    assert "Maßnahmen" in titles
    assert "Measures" not in titles
