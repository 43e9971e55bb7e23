"""Development and the demo: what `make run` uses; mails in var/mail, tasks immediate.

DEBUG is off unless a developer asks for it (`make run DEBUG=1`), so the demo shows the site's own
404 and 500 pages; WhiteNoise serves the static files from the finders either way.
"""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=False)
# seed_demo may create the personas with their published password (see README).
DEMO_MODE = True
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
if not env.str("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
