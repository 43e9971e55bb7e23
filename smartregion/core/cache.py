"""A Redis cache that keeps the site answering while Redis is away.

Both caches (rate-limit counters and the page cache) live in Redis when REDIS_URL is set. Without this
backend a Redis restart turns every anonymous page, every API read and every rate-limited write into a
500. ``FallbackRedisCache`` is Django's ``RedisCache`` with a circuit breaker: the first connection
error opens it, and for ``RETRY_SECONDS`` every call goes to a local-memory cache of this process
instead of waiting for Redis again. Then the next call tries Redis once more; when it answers, the
breaker closes and Redis is used again, with nothing to restart.

While the breaker is open each gunicorn worker counts rate limits for itself (as in the embedded mode,
docs/decisions/0002-rate-limits.md) and keeps its own pages; a page changed meanwhile is retired in that
worker only, and in the others after ``PAGE_CACHE_SECONDS`` at the latest, as the page cache promises.
The outage is logged once when it begins and once when it ends, not per request.
"""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


class FallbackRedisCache(RedisCache):
    """Redis, or this process's memory while Redis cannot be reached (see the module's docstring).

    OPTIONS take ``RETRY_SECONDS`` (default 5) besides redis-py's connection options; the socket
    timeouts default to one second and failed commands are not retried, so that a Redis that is gone
    costs a request at most one short wait.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        # redis-py is imported here, not with the module: it costs a worker about 20 MiB, and the embedded
        # set-up uses only BoundedLocMemCache below (issue 15).
        from redis.backoff import NoBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
        from redis.retry import Retry

        self.unavailable = (RedisConnectionError, RedisTimeoutError)
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        local_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        self._local = BoundedLocMemCache(
            f"redis-fallback:{server}:{params.get('KEY_PREFIX', '')}",
            {**local_params, "OPTIONS": {"MAX_ENTRIES": 2000, "MAX_BYTES": 16 * 1024 * 1024}},
        )
        self._closed_at = 0.0  # monotonic time until which Redis is not tried again
        self._down = False
        self._lock = threading.Lock()

    def _redis_allowed(self) -> bool:
        return not self._down or time.monotonic() >= self._closed_at

    def _failed(self, error: Exception) -> None:
        with self._lock:
            if not self._down:
                logger.warning(
                    "Redis unreachable (%s): caching and rate-limiting in this process's memory "
                    "until it answers again",
                    error,
                )
            self._down = True
            self._closed_at = time.monotonic() + self.retry_seconds

    def _succeeded(self) -> None:
        if self._down:
            with self._lock:
                if self._down:
                    logger.warning("Redis answers again: caching and rate-limiting in Redis")
                    self._down = False

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self._redis_allowed():
            try:
                result = getattr(super(), method)(*args, **kwargs)
            except self.unavailable as error:
                self._failed(error)
            else:
                self._succeeded()
                return result
        return getattr(self._local, method)(*args, **kwargs)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("add", key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("touch", key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("delete", key, version))

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return dict(self._call("get_many", list(keys), version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", key, delta, version))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return list(self._call("set_many", data, timeout, version))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._call("delete_many", list(keys), version)

    def clear(self) -> None:
        self._local.clear()
        self._call("clear")


# Sizes of the entries of each BoundedLocMemCache and their total, by cache name (like LocMemCache's stores).
_sizes: dict[str, "_Sizes"] = {}


class _Sizes:
    def __init__(self) -> None:
        self.of: dict[str, int] = {}
        self.total = 0

    def add(self, key: str, size: int) -> None:
        self.total += size - self.of.get(key, 0)
        self.of[key] = size

    def remove(self, key: str) -> None:
        self.total -= self.of.pop(key, 0)


class BoundedLocMemCache(LocMemCache):
    """Local memory bounded by bytes, not only by entries: a crawler that reads thousands of distinct
    pages cannot make a worker grow without limit (docs/decisions/0012-fast-pages-and-open-data.md).

    OPTIONS take ``MAX_BYTES`` (default 16 MiB): the pickled entries together stay below it; the least
    recently used go first. An entry larger than a quarter of it is not kept at all.
    """

    # LocMemCache's own stores (not in its type stubs).
    _cache: "OrderedDict[str, bytes]"
    _expire_info: dict[str, float | None]
    _lock: threading.Lock

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.max_bytes = int(options.pop("MAX_BYTES", 16 * 1024 * 1024))
        super().__init__(name, {**params, "OPTIONS": options})
        self._sizes = _sizes.setdefault(name, _Sizes())

    @property
    def size(self) -> int:
        """The bytes the entries take (pickled)."""
        return self._sizes.total

    def _set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
        self._delete(key)
        if len(value) > self.max_bytes // 4:
            return
        while self._cache and self._sizes.total + len(value) > self.max_bytes:
            oldest, _value = self._cache.popitem()  # the least recently used
            self._expire_info.pop(oldest, None)
            self._sizes.remove(oldest)
        super()._set(key, value, timeout)  # type: ignore[misc]
        self._sizes.add(key, len(value))

    def _cull(self) -> None:
        super()._cull()  # type: ignore[misc]
        for key in [key for key in self._sizes.of if key not in self._cache]:
            self._sizes.remove(key)

    def _delete(self, key: str) -> bool:
        self._sizes.remove(key)
        return bool(super()._delete(key))  # type: ignore[misc]

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.of.clear()
            self._sizes.total = 0
