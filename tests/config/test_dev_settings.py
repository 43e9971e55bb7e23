"""The demo (`make run`, the dev settings) shows the site's own error pages: Django's debug pages only when a
developer asks for them with DEBUG=1, and static files are served either way."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
client = Client(HTTP_HOST="127.0.0.1")
missing = client.get("/gibt-es-nicht/")
print(json.dumps({
    "debug": settings.DEBUG,
    "static": client.get("/static/vendor/htmx/htmx.min.js").status_code,
    "missing": missing.status_code,
    "own_page": "Seite nicht gefunden" in missing.content.decode(),
}))
"""


def _probe(**env: str) -> dict[str, object]:
    # Only PATH from the outside, as a fresh shell running `make run` would have.
    environment = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": "sqlite://:memory:",
        **env,
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_demo_shows_the_sites_own_pages_and_debug_only_on_request():
    assert _probe() == {"debug": False, "static": 200, "missing": 404, "own_page": True}
    assert _probe(DEBUG="1")["debug"] is True
