"""Settings shared by every environment; values come from the environment (12-factor).

The defaults are the embedded mode: one SQLite file, local-memory cache, tasks run immediately.
Setting DATABASE_URL / REDIS_URL switches to the scale-out engines without code changes.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Only the dev settings turn it on: manage.py seed_demo refuses to run elsewhere without --force.
DEMO_MODE = False
# The insecure default is only ever accepted by the dev and test settings; production.py refuses it.
INSECURE_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "smartregion.core",
    "smartregion.accounts",
    "smartregion.network",
    "smartregion.strategy",
    "smartregion.participation",
    "smartregion.surveys",
    "smartregion.program",
    "smartregion.events",
    "smartregion.insights",
    "smartregion.opendata",
    "smartregion.api",
    "smartregion.web",
    "smartregion.core.admin_site.SmartRegionAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "smartregion.core.apps.MfaConfig",
    "csp",
    "django_ratelimit",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "smartregion.core.apps.TasksDatabaseConfig",
    # The API's documentation page (Swagger UI) and its static files, served from this site.
    "ninja",
]

MIDDLEWARE = [
    # Outermost: a database that cannot be reached answers 503 with Retry-After, not 500.
    "smartregion.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "smartregion.core.middleware.ResponseHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartregion.core.middleware.ChosenLanguageMiddleware",
    # Inside the language middleware, so that its problem documents are German.
    "smartregion.api.middleware.ApiMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body of a POST.
    "smartregion.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Turns django-ratelimit's Ratelimited (a PermissionDenied) into RATELIMIT_VIEW's 429 page;
    # without it a blocked form answers with the generic 403 "access denied".
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "smartregion.web.context_processors.site",
                "smartregion.participation.context_processors.notifications",
            ],
        },
    },
]
FORM_RENDERER = "smartregion.core.forms.KernFormRenderer"

# --- Database -------------------------------------------------------------------------------
# SQLite in WAL mode is the embedded default; DATABASE_URL=postgres://... selects PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE avoids "database is locked" upgrades from read to write locks under load.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
        }
    )
# Connections are reused, on SQLite as well: a new SQLite connection reads the whole schema (some 400
# tables and indexes) before its first statement, 3-6 ms of every request (docs/decisions/0009-surveys.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# "pages" holds whole pages for anonymous visitors (core/pagecache.py), apart from the rate-limit counters
# so that a crowd of pages never evicts a counter.
# With Redis, core.cache.FallbackRedisCache keeps the site answering (from this process's memory) while
# Redis is away, and goes back to Redis by itself when it answers again.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "smartregion.core.cache.FallbackRedisCache", "LOCATION": REDIS_URL},
        "pages": {
            "BACKEND": "smartregion.core.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
    # django-ratelimit 4.1 knows only django-redis by name; Django's own RedisCache counts atomically too
    # (add is SET NX, incr is INCRBY), which is all the rate limits need.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    # Local memory: rate limits then count per process, so N gunicorn workers allow N times the rate.
    # Acceptable for the embedded mode (docs/decisions/0002-rate-limits.md); scale-out sets REDIS_URL.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Bounded by bytes as well: a worker stays small however many distinct pages are crawled.
        "pages": {
            "BACKEND": "smartregion.core.cache.BoundedLocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {
                "MAX_ENTRIES": 2000,
                "MAX_BYTES": env.int("PAGE_CACHE_MAX_BYTES", default=16 * 1024 * 1024),
            },
        },
    }
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# How long an anonymous visitor may see a page that is older than the last change (core/pagecache.py).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=15)
# How long the parts of pages that are the same for everybody (an idea list's results, a comment thread)
# may be older than the last change, for signed-in people too (core/pagecache.py, decision 0013); 0: off.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=15)
# Behind a proxy, the client's address comes from a header the proxy sets (HTTP_X_REAL_IP with deploy/'s
# nginx). Every limiter (django-ratelimit, allauth, the API) asks core.http.client_ip, which reads it and
# falls back to the peer's address when the header is missing.
CLIENT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
RATELIMIT_IP_META_KEY = "smartregion.core.http.client_ip"
RATELIMIT_VIEW = "smartregion.web.views.rate_limited"

# --- Background tasks -----------------------------------------------------------------------
# "immediate" runs a task in the request (development); "database" queues it for `manage.py db_worker`.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
# Two queues: "default" for what people wait for (mails, the search index, open-data files), "insights"
# for the office's analyses (training, clustering, duplicate scans), which can take minutes and run in a
# worker of their own (deploy/systemd/smartregion-insights-worker.service) so they never hold up a mail.
TASK_QUEUES = ["default", "insights"]
TASKS = {
    "default": {"BACKEND": TASK_BACKENDS[env.str("TASK_BACKEND", default="immediate")], "QUEUES": TASK_QUEUES}
}

# --- Authentication (django-allauth) --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # allauth's sign-in by e-mail, without Django's group and user permissions (accounts/backends.py).
    "smartregion.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's database sessions, read with a query compiled once per connection (accounts/sessions.py).
SESSION_ENGINE = "smartregion.accounts.sessions"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGIN_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "smartregion.accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "smartregion.accounts.forms.SignupExtraForm"
# allauth's built-in limits replace django-axes (docs/decisions/0002-login-rate-limits.md).
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="SmartRegion")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "smartregion" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files (served by WhiteNoise; npm assets are copied into build/static) -----------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
# Uploaded files (images of ideas and processes, attachments of minutes). In the embedded mode the app
# serves them (web.views.media), in production nginx does (deploy/nginx.conf), with the same headers.
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Request bodies: a form or JSON without files at most 2.5 MB (Django's default, named here because the
# middleware core.middleware.RequestSizeLimitMiddleware refuses larger ones by Content-Length), with files
# at most the largest upload (10 MB, attachments of minutes) and the form around it. The proxy limits the
# same (client_max_body_size 12m in deploy/nginx.conf).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
REQUEST_BODY_MAX_BYTES = 12 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SmartRegion <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's public address, the one source of every absolute link: mails (also allauth's), the DCAT
# catalogue, open-data files, feeds. Background tasks have no request to ask. `make run PORT=...` passes it;
# production refuses to start without it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Where the accessibility feedback form and other messages for the program office are sent.
# The program office's functional mailbox: receives feedback, answers mails, is the open-data contact point
# and the demo region's contact address. One address, so that no page names another.
PROGRAM_OFFICE_EMAIL = env.str("PROGRAM_OFFICE_EMAIL", default="smartcity@example.org")
# Days after an event's end when its registrations' names and e-mail addresses are anonymised (events.tasks).
EVENT_PERSONAL_DATA_RETENTION_DAYS = env.int("EVENT_PERSONAL_DATA_RETENTION_DAYS", default=90)
# Days without any change to a measure after which its responsible people are reminded (program.reminders).
MEASURE_STALE_DAYS = env.int("MEASURE_STALE_DAYS", default=60)
# Weekday (0 = Monday) from which the program office's weekly digest of what slipped goes out.
PROGRAM_DIGEST_WEEKDAY = env.int("PROGRAM_DIGEST_WEEKDAY", default=0)
# Hours a guest has to click the link confirming an event registration before it expires.
EVENT_GUEST_CONFIRMATION_HOURS = env.int("EVENT_GUEST_CONFIRMATION_HOURS", default=48)
# The mailbox whose messages become ideas (participation.intake), e.g. imaps://user:pass@host/INBOX.
IDEA_MAIL_IMAP_URL = env.str("IDEA_MAIL_IMAP_URL", default="")
# A PEM file of CA certificates the mail server's certificate is checked against (empty: the system's).
IDEA_MAIL_CA_FILE = env.str("IDEA_MAIL_CA_FILE", default="")
# imap:// without STARTTLS, for a mail server on the same machine only: the password travels unencrypted.
IDEA_MAIL_ALLOW_PLAIN = env.bool("IDEA_MAIL_ALLOW_PLAIN", default=False)
# At most this many automatic acknowledgements per sender address within 24 hours (a forged sender
# must not turn the mailbox into a mail cannon).
IDEA_MAIL_ACKNOWLEDGEMENTS_PER_DAY = env.int("IDEA_MAIL_ACKNOWLEDGEMENTS_PER_DAY", default=3)

# --- Open data (opendata app): what the DCAT-AP.de catalogue says about every dataset -----------------
# Licence of all datasets: "dl-by-de/2.0" (Datenlizenz Deutschland, Namensnennung 2.0) or "cc-by/4.0".
OPENDATA_LICENSE = env.str("OPENDATA_LICENSE", default="dl-by-de/2.0")
# The publisher (dct:publisher); empty: the operator of the region (network.Region.operator).
OPENDATA_PUBLISHER_NAME = env.str("OPENDATA_PUBLISHER_NAME", default="")
OPENDATA_PUBLISHER_URL = env.str("OPENDATA_PUBLISHER_URL", default="")
# GovData assigns each data provider an ID from http://dcat-ap.de/def/contributors/; ask GovData for it.
OPENDATA_CONTRIBUTOR_ID = env.str("OPENDATA_CONTRIBUTOR_ID", default="")
# Where the data belongs: MYK's district key 07137 by default, at the level of a district.
OPENDATA_POLITICAL_GEOCODING_URI = env.str(
    "OPENDATA_POLITICAL_GEOCODING_URI", default="http://dcat-ap.de/def/politicalGeocoding/districtKey/07137"
)
OPENDATA_POLITICAL_GEOCODING_LEVEL_URI = env.str(
    "OPENDATA_POLITICAL_GEOCODING_LEVEL_URI",
    default="http://dcat-ap.de/def/politicalGeocoding/Level/administrativeDistrict",
)
# How often the datasets change, from the EU frequency vocabulary (DAILY, WEEKLY, MONTHLY, ...).
OPENDATA_ACCRUAL_PERIODICITY = env.str("OPENDATA_ACCRUAL_PERIODICITY", default="DAILY")
# Download files are written by a task when the data change and served as files (opendata/publish.py):
# the directory, the internal nginx location that serves it ("" in the embedded mode: Django sends the
# file), and how long a burst of changes is gathered before the files are written again.
OPENDATA_ROOT = VAR_DIR / "opendata"
OPENDATA_ACCEL_REDIRECT = env.str("OPENDATA_ACCEL_REDIRECT", default="")
OPENDATA_DEBOUNCE_SECONDS = env.int("OPENDATA_DEBOUNCE_SECONDS", default=30)

# --- Security headers (strict in every environment; production.py adds HTTPS) ---------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# An optional map tile server (off by default: no page talks to a third party unless configured).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")


def _tile_origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_origin(MAP_TILE_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_one_line": {"()": "smartregion.core.logging.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django logs every 403 with the PermissionDenied's traceback; one line says all there is to say.
    "loggers": {"django.request": {"filters": ["forbidden_one_line"]}},
}
