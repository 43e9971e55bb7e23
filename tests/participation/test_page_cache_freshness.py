"""Which change retires which cached page (core/pagecache.py, docs/decisions/0012): a support has only its
idea's page counted again, a comment retires only its idea's page, a hidden idea disappears at once
everywhere, nothing is served older than PAGE_CACHE_SECONDS, and a person who supported sees her own
support counted."""

import re
import threading
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from smartregion.core import pagecache
from smartregion.participation import services
from smartregion.participation.apps import PAGES, idea_scope
from smartregion.participation.models import IdeaStatus

from .factories import CommentFactory, IdeaFactory
from .public_support import count_queries, german, text_of

LIST = reverse("participation:idea_list")


def supports_shown(page: str) -> int:
    return int(re.search(r'sr-count__number">(\d+)<', page).group(1))


@pytest.fixture
def ideas(collecting):
    return (
        IdeaFactory(process=collecting, title="Radweg an der B9"),
        IdeaFactory(process=collecting, title="Carsharing in Mendig"),
    )


@pytest.fixture
def cached(client, ideas):
    """The list and both idea pages, each visited once so that the cache holds them."""
    urls = [LIST, *(idea.get_absolute_url() for idea in ideas)]
    for url in urls:
        client.get(url)
        assert count_queries(client, url) == 0
    return urls


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the cache is told about a change when it commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_support_has_only_its_idea_page_counted_again(client, ideas, cached, citizen, committed):
    first, second = ideas
    with committed():
        services.support_add(user=citizen, idea=first)
    page = client.get(first.get_absolute_url())
    assert supports_shown(text_of(page)) == 1
    # The list and the other idea's page are still served from the cache: the list's count follows
    # within PAGE_CACHE_SECONDS.
    assert count_queries(client, LIST) == 0
    assert count_queries(client, second.get_absolute_url()) == 0


def test_a_comment_retires_only_its_idea_page(client, ideas, cached, committed):
    first, second = ideas
    with committed():
        CommentFactory(idea=first, body="Unbedingt, mit Beleuchtung.")
    assert "Unbedingt, mit Beleuchtung." in text_of(client.get(first.get_absolute_url()))
    assert count_queries(client, LIST) == 0
    assert count_queries(client, second.get_absolute_url()) == 0


def test_a_hidden_comment_disappears_at_once(client, ideas, committed):
    first, _second = ideas
    comment = CommentFactory(idea=first, body="Ein Satz, der gleich verschwindet.")
    url = first.get_absolute_url()
    assert "Ein Satz, der gleich verschwindet." in text_of(client.get(url))
    with committed():
        comment.is_hidden, comment.hidden_reason = True, "Beleidigend"
        comment.save()
    assert "Ein Satz, der gleich verschwindet." not in text_of(client.get(url))


def test_a_hidden_idea_disappears_at_once_everywhere(client, ideas, cached, committed):
    first, second = ideas
    with committed():
        first.status = IdeaStatus.HIDDEN
        first.save()
    assert "Radweg an der B9" not in text_of(client.get(LIST))
    assert client.get(first.get_absolute_url()).status_code == 404
    assert count_queries(client, second.get_absolute_url()) > 0  # every page of the namespace is retired


def test_after_her_own_support_a_person_sees_it_counted(client, ideas, cached, citizen, committed):
    """The anonymous copies still show 0, but a signed-in person never gets a cached page, nor a list
    fragment rendered before her support (the anonymous list shares it until then)."""
    first, _second = ideas
    client.force_login(citizen)
    with committed():
        response = client.post(reverse("participation:idea_support", args=[first.pk]), {"action": "add"})
    assert response.status_code == 302
    assert supports_shown(text_of(client.get(first.get_absolute_url()))) == 1
    assert f"{german('Supports')}</dt><dd>1</dd>" in text_of(client.get(LIST))


def test_a_signed_in_page_is_never_stored_for_others(client, ideas, citizen):
    first, _second = ideas
    client.force_login(citizen)
    client.get(first.get_absolute_url())
    client.logout()
    assert count_queries(client, first.get_absolute_url()) > 0
    assert "Clara Bürger" not in text_of(client.get(first.get_absolute_url()))


def test_nothing_older_than_page_cache_seconds_is_served(client, ideas, cached, settings, monkeypatch):
    first, _second = ideas
    now = time.time()
    # Due for renewal: the next request renders again.
    monkeypatch.setattr(pagecache, "_now", lambda: now + settings.PAGE_CACHE_SECONDS * 0.9)
    assert count_queries(client, first.get_absolute_url()) > 0
    assert count_queries(client, first.get_absolute_url()) == 0
    # Past PAGE_CACHE_SECONDS, even while somebody else holds the lock, the page is not served as it was.
    monkeypatch.setattr(pagecache, "_now", lambda: now + settings.PAGE_CACHE_SECONDS * 2.5)
    monkeypatch.setattr(pagecache, "WAIT_SECONDS", 0.05)
    caches[pagecache.CACHE_ALIAS].add(pagecache._page_key(PAGES, _request(LIST)) + ":lock", 1, 60)
    assert count_queries(client, LIST) > 0


def _request(path: str):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = default_storage(request)
    return request


def test_while_one_request_renders_the_others_serve_the_previous_counts(db, monkeypatch):
    """Stale while revalidate, for counts only: after a support the previous copy is served by those who
    do not hold the lock; after a change of the page's scope (a comment), never."""
    renders = []

    @pagecache.cache_public_page("test", scope=idea_scope)
    def view(request, pk):
        renders.append(pk)
        return HttpResponse(f"page {len(renders)}")

    assert view(_request("/i/1/"), pk=1).content == b"page 1"
    pagecache._raise(pagecache._counts_key("test", idea_scope(1)))
    lock = pagecache._page_key("test", _request("/i/1/")) + ":lock"
    caches[pagecache.CACHE_ALIAS].add(lock, 1, 60)  # somebody else renders
    assert view(_request("/i/1/"), pk=1).content == b"page 1"
    caches[pagecache.CACHE_ALIAS].delete(lock)
    assert view(_request("/i/1/"), pk=1).content == b"page 2"
    assert view(_request("/i/1/"), pk=1).content == b"page 2"

    pagecache._raise(pagecache._scope_key("test", idea_scope(1)))
    caches[pagecache.CACHE_ALIAS].add(lock, 1, 60)
    monkeypatch.setattr(pagecache, "WAIT_SECONDS", 0.05)
    assert view(_request("/i/1/"), pk=1).content == b"page 3"  # waited in vain, then rendered itself


def test_concurrent_misses_render_the_page_once(db):
    """Request coalescing: of eight requests for a missing page, one renders and the others wait for it."""
    renders = []
    started = threading.Event()

    @pagecache.cache_public_page("test")
    def view(request):
        renders.append(1)
        started.set()
        time.sleep(0.3)
        return HttpResponse("rendered once")

    answers: list[bytes] = []

    def visit() -> None:
        answers.append(view(_request("/coalesced/")).content)

    first = threading.Thread(target=visit)
    first.start()
    started.wait(5)
    others = [threading.Thread(target=visit) for _ in range(7)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)
    assert answers == [b"rendered once"] * 8
    assert len(renders) == 1
