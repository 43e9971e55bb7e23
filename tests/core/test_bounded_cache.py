"""The local-memory page cache is bounded by bytes: a crawler reading thousands of distinct pages cannot make
a worker grow without limit (core/cache.py BoundedLocMemCache)."""

from smartregion.core.cache import BoundedLocMemCache


def cache(name: str, max_bytes: int) -> BoundedLocMemCache:
    made = BoundedLocMemCache(name, {"OPTIONS": {"MAX_ENTRIES": 100_000, "MAX_BYTES": max_bytes}})
    made.clear()
    return made


def test_entries_stay_below_the_bytes_given_and_the_least_recently_used_go_first():
    pages = cache("bounded-test-lru", 100_000)
    for number in range(200):
        pages.set(f"page-{number}", "x" * 5_000)
        assert pages.size <= 100_000
    assert pages.get("page-199") is not None
    assert pages.get("page-0") is None
    assert 15 <= len(pages._cache) <= 20


def test_a_read_entry_is_kept_longer_than_an_unread_one():
    pages = cache("bounded-test-read", 30_000)
    for number in range(5):
        pages.set(f"page-{number}", "x" * 5_000)
    assert pages.get("page-0") is not None  # read: now the most recently used
    pages.set("page-5", "x" * 5_000)
    pages.set("page-6", "x" * 5_000)
    assert pages.get("page-0") is not None
    assert pages.get("page-1") is None


def test_replacing_deleting_and_clearing_keep_the_count_right():
    pages = cache("bounded-test-count", 100_000)
    pages.set("page", "x" * 10_000)
    first = pages.size
    pages.set("page", "x" * 20_000)
    assert pages.size > first
    assert pages.size < 2 * first + 1_000
    pages.delete("page")
    assert pages.size == 0
    pages.set("again", "x" * 1_000)
    pages.clear()
    assert pages.size == 0
    assert pages.get("again") is None


def test_an_entry_too_large_is_not_kept_and_retires_its_old_value():
    pages = cache("bounded-test-large", 40_000)
    pages.set("page", "small")
    pages.set("page", "x" * 20_000)
    assert pages.get("page") is None
    assert pages.size == 0
    assert pages.add("counter", 1)
    assert pages.incr("counter") == 2
