"""A web worker loads only what pages need (issue 15: under 150 MiB per worker). The numeric libraries of the
office's analyses (about 120 MiB), the PDF library and the XLSX reader load where a task or a download uses
them, not when a worker starts and resolves its URLs."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "sklearn", "reportlab", "openpyxl")
PROBE = """
import json, sys
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

get_wsgi_application()
get_resolver().url_patterns  # every view module of the URLconf
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_starting_a_web_worker_loads_no_numeric_pdf_or_xlsx_library():
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "sqlite://:memory:",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
