"""Settings for benchmarks: production's choices on a plain-HTTP loopback server.

Built on ``config.settings.base`` plus what ``config.settings.production`` adds, rather than on production
itself, because production refuses a fixed secret key and a benchmark must not pass unsafe values through
the environment to get past that check. Only the benchmark server on 127.0.0.1 uses this module.
DATABASE_URL (set by bench/participation.py) chooses the database.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import TASK_BACKENDS, TASK_QUEUES, VAR_DIR

DEBUG = False
# Fixed on purpose: the benchmark's sessions are written by the script and read by the server.
SECRET_KEY = "bench-only-fixed-key-never-used-by-a-real-site-0123456789abcdefghijklmnop"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.urls"

# Compressed static files served by WhiteNoise from var/bench/static. Production hashes them too
# (CompressedManifestStaticFilesStorage), but its collectstatic stops at the source map leaflet.js names
# and build/static lacks; no page measured here asks for a static file, so nothing is lost.
STATIC_ROOT = VAR_DIR / "bench" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# As production, except the redirect to HTTPS: the load generator speaks plain HTTP on the loopback.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# As production behind nginx, rate limits key on the address the proxy reports; the load generator plays
# the proxy and gives every signed-in person an address of their own, as real visitors have.
CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
# Queued, as in production; the pages measured enqueue nothing, so no worker is needed.
TASKS = {"default": {"BACKEND": TASK_BACKENDS["database"], "QUEUES": TASK_QUEUES}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
