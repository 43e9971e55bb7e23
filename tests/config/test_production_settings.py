"""Production settings refuse unsafe configurations, and a good one passes ``check --deploy`` cleanly.

Each case starts a fresh interpreter with a controlled environment, as gunicorn or manage.py would.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k3Yq-8vWm_2rTz9LpXo4Nc7uHs1Fe6Gd0Bj5Ai3Ql8Rw2Ty7Uv4Zx9Mn1Pb6Sc"
GOOD_ENV = {
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "beteiligung.example.org",
    "SITE_URL": "https://beteiligung.example.org",
}
SETUP = "import django; django.setup()"


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only PATH from the outside: no DEBUG, SECRET_KEY, DATABASE_URL or REDIS_URL of the developer's shell.
    environment = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.production", **env}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({**GOOD_ENV, "DEBUG": "true"}, "refuse to run with DEBUG=on"),
        ({"ALLOWED_HOSTS": "beteiligung.example.org"}, "need SECRET_KEY"),
        ({**GOOD_ENV, "SECRET_KEY": ""}, "need SECRET_KEY"),
        ({**GOOD_ENV, "SECRET_KEY": GOOD_SECRET[:49]}, "need SECRET_KEY"),
        ({**GOOD_ENV, "SECRET_KEY": "insecure-development-key-do-not-use-in-production"}, "need SECRET_KEY"),
        ({"SECRET_KEY": GOOD_SECRET}, "need ALLOWED_HOSTS"),
        ({**GOOD_ENV, "ALLOWED_HOSTS": ""}, "need ALLOWED_HOSTS"),
        ({key: value for key, value in GOOD_ENV.items() if key != "SITE_URL"}, "need SITE_URL"),
        ({**GOOD_ENV, "SITE_URL": "http://beteiligung.example.org"}, "need SITE_URL"),
    ],
    ids=[
        "debug_on",
        "no_secret_key",
        "empty_secret_key",
        "short_secret_key",
        "development_secret_key",
        "no_allowed_hosts",
        "empty_allowed_hosts",
        "no_site_url",
        "site_url_without_https",
    ],
)
def test_production_settings_refuse_unsafe_configuration(env, message):
    result = _run("-c", SETUP, env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_load_with_a_good_configuration():
    result = _run("-c", f"{SETUP}; from django.conf import settings; print(settings.DEBUG)", env=GOOD_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("cache", ["local", "redis"])
def test_deploy_check_passes_without_warnings(cache):
    # With REDIS_URL the rate-limit checks that the local cache silences run too (no connection needed).
    env = {**GOOD_ENV, "REDIS_URL": "redis://127.0.0.1:6379/15"} if cache == "redis" else GOOD_ENV
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_make_run_gives_links_the_port_it_serves():
    # `make run PORT=18800` serves on 18800: SITE_URL (links in mails, the catalogue, open data) follows.
    result = subprocess.run(
        ["make", "-n", "run", "PORT=18800"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # The demo's seeding sends mails (event confirmations) too, so it gets the address as well.
    steps = [line for line in result.stdout.splitlines() if "runserver" in line or "seed_demo" in line]

    assert len(steps) == 2, result.stdout + result.stderr
    assert all("SITE_URL=http://127.0.0.1:18800 " in step for step in steps)
