"""Tests: in-memory mail outbox, fast hashing, immediate tasks unless a test picks the database."""

from .base import *  # noqa: F403
from .base import TASK_BACKENDS

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": TASK_BACKENDS["immediate"]}}
# Rate limits are tested explicitly; the rest of the suite must not trip over them.
ACCOUNT_RATE_LIMITS = False
# Serve static files straight from the finders (build/static, app folders): no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
