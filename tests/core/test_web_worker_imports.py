"""A web worker loads only what pages need (issue 15: under 150 MiB per worker). The numeric libraries of the
office's analyses (about 120 MiB), the PDF library, the XLSX reader and the iCalendar library load where a
task or a download uses them, not when a worker starts, resolves its URLs and opens its caches; redis-py
only where REDIS_URL asks for it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "sklearn", "reportlab", "openpyxl", "icalendar", "redis")
PROBE = """
import json, sys
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

get_wsgi_application()
get_resolver().url_patterns  # every view module of the URLconf
from django.core.cache import caches
[cache.get("warm-up") for cache in caches.all(initialized_only=False)]  # every cache backend
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_starting_a_web_worker_loads_no_heavy_library():
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "sqlite://:memory:",
        "REDIS_URL": "",  # the embedded set-up
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
