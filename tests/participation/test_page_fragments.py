"""Fragments shared by everybody (core/pagecache.py cached_fragment, docs/decisions/0013): the idea list's
content and the idea page's thread and facts are rendered once for anonymous and signed-in people alike,
and nobody ever gets another person's data from them; they change when what they show changes."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smartregion.core import pagecache
from smartregion.participation.apps import PAGES

from ..factories import UserFactory
from .factories import CommentFactory, IdeaFactory
from .public_support import count_queries, german, text_of

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")
LIST = reverse("participation:idea_list")
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def idea(collecting):
    return IdeaFactory(process=collecting, title="Radweg an der B9")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _fragment_entries() -> list[object]:
    """The fragments the cache holds (local memory in the tests)."""
    store = caches[pagecache.CACHE_ALIAS]._cache  # type: ignore[attr-defined]
    return [key for key in store if ":fragments:" in key]


def _tables_read(client, url: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return " ".join(query["sql"] for query in queries)


def test_signed_in_and_anonymous_share_the_fragments(client, citizen, idea, settings):
    settings.PAGE_CACHE_SECONDS = 0  # no whole pages: every request renders around the fragments
    CommentFactory(idea=idea, body="Mit Beleuchtung, bitte.")
    client.force_login(citizen)
    assert "Mit Beleuchtung, bitte." in text_of(client.get(idea.get_absolute_url()))
    client.get(LIST)
    client.logout()
    # The idea's facts and history come from the signed-in person's rendering; the thread offers anonymous
    # visitors other links (a variant of its own), rendered once and then shared too.
    assert "participation_ideaevent" not in _tables_read(client, idea.get_absolute_url())
    assert "participation_comment" not in _tables_read(client, idea.get_absolute_url())
    assert "Mit Beleuchtung, bitte." in text_of(client.get(idea.get_absolute_url()))
    assert "participation_idea" not in _tables_read(client, LIST)


def test_nobody_gets_another_persons_comment_actions_or_token(client, citizen, idea, settings):
    """Clara's own comment carries her correct and delete forms with her CSRF token; the fragment that
    Bernd and anonymous visitors get holds none of it, and Clara still gets hers from the shared copy."""
    settings.PAGE_CACHE_SECONDS = 0
    own = CommentFactory(idea=idea, author=citizen, body="Meine eigene Meinung.")
    other = CommentFactory(idea=idea, body="Eine andere Meinung.")
    edit = reverse("participation:comment_edit", args=[own.pk])
    delete = reverse("participation:comment_delete", args=[own.pk])

    client.force_login(citizen)
    clara = text_of(client.get(idea.get_absolute_url()))
    assert edit in clara
    assert delete in clara
    assert reverse("participation:comment_report", args=[own.pk]) not in clara
    assert reverse("participation:comment_report", args=[other.pk]) in clara
    clara_tokens = set(CSRF_VALUE.findall(clara))

    bernd = UserFactory()
    client.force_login(bernd)
    page = text_of(client.get(idea.get_absolute_url()))
    assert edit not in page
    assert delete not in page
    assert reverse("participation:comment_report", args=[own.pk]) in page
    assert not clara_tokens & set(CSRF_VALUE.findall(page))

    client.logout()
    page = text_of(client.get(idea.get_absolute_url()))
    assert edit not in page
    assert delete not in page
    assert reverse("participation:comment_report", args=[other.pk]) not in page
    assert reverse("participation:comment_reply", args=[other.pk]) not in page
    assert not clara_tokens & set(CSRF_VALUE.findall(page))

    # And back: Clara's actions come from the copy the others filled.
    client.force_login(citizen)
    clara = text_of(client.get(idea.get_absolute_url()))
    assert edit in clara
    assert delete in clara
    assert clara.count(f'id="comment-{own.pk}"') == 1


def test_a_fragment_with_a_token_or_nonce_is_refused():
    with pytest.raises(ValueError, match="cannot be shared"):
        pagecache.cached_fragment(
            PAGES, "test", lambda: '<input type="hidden" name="csrfmiddlewaretoken" value="x">'
        )
    with pytest.raises(ValueError, match="cannot be shared"):
        pagecache.cached_fragment(PAGES, "test", lambda: {"html": '<script nonce="x"></script>'})


def test_fragments_change_with_their_content(client, citizen, idea, committed, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.force_login(citizen)
    client.get(idea.get_absolute_url())
    client.get(LIST)
    with committed():
        CommentFactory(idea=idea, body="Neu dazugekommen.")
    assert "Neu dazugekommen." in text_of(client.get(idea.get_absolute_url()))
    with committed():
        idea.title = "Radweg an der B9, beleuchtet"
        idea.save()
    assert "Radweg an der B9, beleuchtet" in text_of(client.get(LIST))
    assert "Radweg an der B9, beleuchtet" in text_of(client.get(idea.get_absolute_url()))


def test_her_own_new_comment_shows_even_from_an_older_fragment(client, citizen, idea, settings):
    """Without Redis another worker may hold a thread from before her comment (its version was raised only
    where she wrote): she is given the thread rendered for her, with her comment."""
    settings.PAGE_CACHE_SECONDS = 0
    bernd = UserFactory()
    client.force_login(bernd)
    client.get(idea.get_absolute_url())
    # Stored without on-commit callbacks: the cached thread is not retired, as in another worker.
    own = CommentFactory(idea=idea, author=citizen, body="Gerade eben geschrieben.")
    # Bernd still gets the older thread, until it is renewed within FRAGMENT_CACHE_SECONDS ...
    assert "Gerade eben geschrieben." not in text_of(client.get(idea.get_absolute_url()))
    # ... but she sees her comment, with what she may do with it.
    client.force_login(citizen)
    page = text_of(client.get(idea.get_absolute_url()))
    assert "Gerade eben geschrieben." in page
    assert page.count(f'<article id="comment-{own.pk}"') == 1
    assert reverse("participation:comment_edit", args=[own.pk]) in page


def test_the_idea_page_makes_as_many_queries_with_more_own_comments(client, citizen, idea, settings):
    settings.PAGE_CACHE_SECONDS = 0
    CommentFactory(idea=idea, author=citizen)
    client.force_login(citizen)
    client.get(idea.get_absolute_url())
    before = count_queries(client, idea.get_absolute_url())
    for _ in range(20):
        top = CommentFactory(idea=idea, author=citizen)
        CommentFactory(idea=idea, author=citizen, parent=top)
    caches[pagecache.CACHE_ALIAS].clear()
    client.get(idea.get_absolute_url())
    assert count_queries(client, idea.get_absolute_url()) == before


def test_the_filter_form_keeps_every_option_label_and_choice(client, collecting, domain, municipality):
    page = text_of(client.get(f"{LIST}?status=adopted&domain={domain.slug}&q=Rad+%22weg%22&sort=supported"))
    for name in ("q", "process", "domain", "municipality", "status", "channel", "sort"):
        assert re.search(rf'<label class="kern-label" for="id_{name}">[^<]+ <span', page), name
    assert 'name="q" value="Rad &quot;weg&quot;" maxlength="200"' in page
    assert f'<option value="{collecting.slug}">{collecting.title}</option>' in page
    assert f'<option value="{domain.slug}" selected>{domain.name}</option>' in page
    assert f'<option value="{municipality.slug}">{municipality.name}</option>' in page
    assert f'<option value="adopted" selected>{german("Adopted")}</option>' in page
    assert '<option value="supported" selected>' in page
    # The three chosen, and "All" for process, municipality and channel.
    assert page.count(" selected>") == 6
    assert f'<option value="">{german("All")}</option>' in page


def test_a_bad_filter_says_so_at_its_field(client, collecting):
    response = client.get(f"{LIST}?status=bogus")
    assert response.status_code == 400
    page = text_of(response)
    assert '<p class="kern-error" id="id_status_error" role="alert">' in page
    assert 'aria-invalid="true" aria-describedby="id_status_error" id="id_status"' in page


def test_a_cached_page_is_as_old_as_its_oldest_fragment(client, citizen, idea, settings, monkeypatch):
    """The list's content rendered for Clara at t0 goes into the anonymous page cached at t0 + 10: that
    page is due at t0 + 12 and never served past t0 + 15 (PAGE_CACHE_SECONDS), whenever it was stored."""
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 15
    now = 1_000_000.0
    monkeypatch.setattr(pagecache, "_now", lambda: now)
    client.force_login(citizen)
    client.get(LIST)
    client.logout()
    monkeypatch.setattr(pagecache, "_now", lambda: now + 10)
    assert "participation_idea" not in _tables_read(client, LIST)  # the page is stored with her fragment
    assert count_queries(client, LIST) == 0  # and served from the page cache
    monkeypatch.setattr(pagecache, "_now", lambda: now + 15.5)
    assert "participation_idea" in _tables_read(client, LIST)


def test_no_fragments_when_switched_off(client, idea, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    client.get(LIST)
    assert "participation_idea" in _tables_read(client, LIST)
    assert not _fragment_entries()
    settings.FRAGMENT_CACHE_SECONDS = 15
    client.get(LIST)
    assert _fragment_entries()


def test_a_readers_marks_on_an_idea_come_in_one_query(idea, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from smartregion.participation.models import Follow, Support
    from smartregion.participation.selectors import ReaderMarks, idea_reader_marks

    clara, otto = UserFactory(), UserFactory()
    Support.objects.create(idea=idea, user=clara)
    Follow.objects.create(idea=idea, user=otto)
    first, second = CommentFactory(idea=idea, author=clara), CommentFactory(idea=idea, author=clara)
    CommentFactory(idea=idea, author=otto)
    Follow.objects.create(process=idea.process, user=clara)  # the process, not the idea
    with django_assert_num_queries(0):
        assert idea_reader_marks(user=AnonymousUser(), idea=idea) == ReaderMarks()
    with django_assert_num_queries(1):
        marks = idea_reader_marks(user=clara, idea=idea)
    assert marks == ReaderMarks(supported=True, following=False, comment_ids=frozenset({first.pk, second.pk}))
    assert idea_reader_marks(user=otto, idea=idea).following
    assert not idea_reader_marks(user=otto, idea=idea).supported
