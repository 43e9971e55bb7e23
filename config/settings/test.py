"""Tests: in-memory mail outbox, fast hashing, immediate tasks unless a test picks the database."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import TASK_BACKENDS, TASK_QUEUES

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": TASK_BACKENDS["immediate"], "QUEUES": TASK_QUEUES}}
# Rate limits are tested explicitly; the rest of the suite must not trip over them.
ACCOUNT_RATE_LIMITS = False
# Tests never reach another service: a local cache (cleared per test) even when REDIS_URL is set in the
# shell, and no tile server or mailbox.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
MAP_TILE_URL = ""
IDEA_MAIL_IMAP_URL = ""
# Serve static files straight from the finders (build/static, app folders): no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Open-data files of this test process, never the site's (tests/opendata give each test its own).
OPENDATA_ROOT = Path(tempfile.mkdtemp(prefix="smartregion-opendata-"))
