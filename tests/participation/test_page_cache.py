"""The page cache (core/pagecache.py) on the public participation pages: anonymous visitors are served from
memory, each with a nonce and a CSRF token of their own, and every change shows at once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from smartregion.core.pagecache import namespace_version
from smartregion.participation import services
from smartregion.participation.apps import PAGES

from .factories import CommentFactory, IdeaFactory
from .public_support import count_queries, text_of

NONCE = re.compile(r'nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def idea(collecting):
    return IdeaFactory(process=collecting, title="Radweg an der B9")


def test_a_second_anonymous_visit_makes_no_query(client, idea):
    url = reverse("participation:idea_list")
    assert count_queries(client, url) > 0
    assert count_queries(client, url) == 0
    assert "Radweg an der B9" in text_of(client.get(url))


def test_every_visitor_gets_their_own_nonce_and_a_working_csrf_token(idea):
    url = idea.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(url)
    response = second.get(url)  # from the cache
    nonces = set(NONCE.findall(text_of(response)))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop()}'" in response["Content-Security-Policy"]
    assert set(NONCE.findall(text_of(response))) != set(NONCE.findall(text_of(first.get(url))))
    # The language switch on the cached page works with the visitor's own cookie.
    token = TOKEN.search(text_of(response)).group(1)
    switched = second.post(
        reverse("set_language"), {"csrfmiddlewaretoken": token, "language": "en", "next": url}
    )
    assert switched.status_code == 302
    assert "Radweg an der B9" in text_of(second.get(url))
    assert second.get(url).wsgi_request.LANGUAGE_CODE == "en"


def test_changes_show_at_once(client, idea, citizen, django_capture_on_commit_callbacks):
    url = idea.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):  # pages are retired when the change commits
        services.support_add(user=citizen, idea=idea)
        CommentFactory(idea=idea, body="Unbedingt, mit Beleuchtung.")
    page = text_of(client.get(url))
    assert "Unbedingt, mit Beleuchtung." in page
    assert re.search(r'sr-count__number">1<', page)
    assert "Radweg an der B9" in text_of(client.get(reverse("participation:idea_list")))
    with django_capture_on_commit_callbacks(execute=True):
        IdeaFactory(process=idea.process, title="Carsharing in Mendig")
    assert "Carsharing in Mendig" in text_of(client.get(reverse("participation:idea_list")))


def test_pages_are_retired_when_the_change_commits_not_before(
    client, idea, django_capture_on_commit_callbacks
):
    """Issue 11: retired inside the transaction, a page rendered before the commit (from the old rows) was
    cached under the new version and served for PAGE_CACHE_SECONDS."""
    version = namespace_version(PAGES)
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        idea.title = "Radweg an der B9, beleuchtet"
        idea.save()
        assert namespace_version(PAGES) == version  # not yet committed: the old pages stay valid
    for callback in on_commit:
        callback()
    assert namespace_version(PAGES) > version


def test_signed_in_people_always_get_a_fresh_page(citizen_client, idea):
    citizen_client.get(idea.get_absolute_url())
    assert count_queries(citizen_client, idea.get_absolute_url()) > 0


def test_random_order_and_missing_pages_are_never_cached(client, idea):
    random = reverse("participation:idea_list") + "?sort=random"
    client.get(random)
    assert count_queries(client, random) > 0
    missing = reverse("participation:process", args=["gibt-es-nicht"])
    client.get(missing)
    assert count_queries(client, missing, status=404) > 0
