import pytest
from django.urls import reverse

from smartregion.web.sitemaps import STATIC_PAGES


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("name", STATIC_PAGES)
def test_public_page_renders_with_strict_csp(client, municipality, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert [v for v in csp["script-src"] if not v.startswith("'nonce-")] == ["'self'"]
