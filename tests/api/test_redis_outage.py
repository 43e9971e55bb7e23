"""Redis going away degrades instead of failing (core/cache.py): pages, API reads and writes still answer,
rate limits count in the process meanwhile, the outage is logged once, and Redis is used again by itself.

The test runs its own redis-server on a free port and stops and starts it.
"""

import json
import logging
import time

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django_ratelimit.core import is_ratelimited

from smartregion.api import services as tokens
from smartregion.participation.models import Support

from ..factories import UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

RETRY_SECONDS = 0.5


def _caches(url: str) -> dict[str, dict[str, object]]:
    options = {"RETRY_SECONDS": RETRY_SECONDS}
    backend = "smartregion.core.cache.FallbackRedisCache"
    return {
        "default": {"BACKEND": backend, "LOCATION": url, "OPTIONS": options},
        "pages": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "pages", "OPTIONS": options},
    }


def _limited(factory: RequestFactory) -> bool:
    request = factory.post("/", REMOTE_ADDR="192.0.2.7")
    return is_ratelimited(request, group="outage-test", key="ip", rate="2/m", increment=True)


def test_pages_reads_writes_and_rate_limits_survive_a_redis_outage(world, client, redis_server, caplog):
    idea = world["ideas"][0]
    _token, secret = tokens.token_create(user=UserFactory(), name="Test", lifetime_days=30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    pages = [reverse("participation:idea_list"), idea.get_absolute_url(), "/api/v1/ideas", "/api/v1/measures"]
    factory = RequestFactory()
    with override_settings(CACHES=_caches(redis_server.url)), caplog.at_level(logging.WARNING):
        for url in pages:
            assert client.get(url).status_code == 200
        assert any(key.startswith(b"pages:") for key in redis_server.stored_keys())

        redis_server.stop()
        for _round in range(3):
            for url in pages:
                assert client.get(url).status_code == 200, url
        support = client.put(f"/api/v1/ideas/{idea.pk}/support", content_type="application/json", **auth)
        assert support.status_code in (200, 201), support.content
        assert Support.objects.filter(idea=idea).count() == 1
        # Rate limits still hold, counted in this process.
        assert [_limited(factory) for _attempt in range(3)] == [False, False, True]
        outage_logs = [record for record in caplog.records if "Redis unreachable" in record.getMessage()]
        assert len(outage_logs) == 2  # once per cache ("default" and "pages"), not per request

        redis_server.start()
        time.sleep(RETRY_SECONDS + 0.1)
        for url in pages:
            assert client.get(url).status_code == 200
        assert any(key.startswith(b"pages:") for key in redis_server.stored_keys())
        caches["default"].set("back", "yes")
        assert caches["default"].get("back") == "yes"
        assert any(key.endswith(b"back") for key in redis_server.stored_keys())
        assert sum("Redis answers again" in record.getMessage() for record in caplog.records) == 2


def test_the_api_answers_writes_with_json_while_redis_is_away(world, client, redis_server):
    _token, secret = tokens.token_create(user=UserFactory(), name="Test", lifetime_days=30)
    payload = {"body": "Gute Idee, auch ohne Redis."}
    with override_settings(CACHES=_caches(redis_server.url)):
        redis_server.stop()
        response = client.post(
            f"/api/v1/ideas/{world['ideas'][1].pk}/comments",
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
    assert response.status_code == 201, response.content
