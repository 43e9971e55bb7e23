"""The production set-up runs as the README describes it: nginx with deploy/'s configuration in front of
gunicorn (2 workers) and the task worker, on PostgreSQL and Redis, over HTTPS on loopback.

Marked ``stack``: skips with the reason when nginx, PostgreSQL or Redis is missing, and fails instead
when SMARTREGION_REQUIRE names ``stack`` (CI). One test walks through everything, because starting the
stack is what takes the time.
"""

import io
import json
import re
import shlex
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from ..conftest import _missing
from .stack import ROOT, Stack, missing_service

pytestmark = pytest.mark.stack
DEMO_PASSWORD = "MYK10-demo-2026"
PAGES = ["/", "/beteiligung/", "/ideen/", "/strategie/", "/programm/", "/offene-daten/", "/api/v1/ideas"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    reason = missing_service()
    if reason:
        _missing("stack", reason)
    stack = Stack(tmp_path_factory.mktemp("stack"))
    stack.copy_tree()
    stack.write_env_file()
    stack.create_database()
    try:
        yield stack
    finally:
        stack.stop()
        stack.drop_database()


def readme_steps() -> list[list[str]]:
    """The `deploy/manage` commands of the README's production section (without the interactive one)."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^sudo -u smartregion deploy/manage (.+)$", section, flags=re.MULTILINE)
    return [shlex.split(command) for command in commands if not command.startswith("createsuperuser")]


ATTACH_TO_PUBLISHED_MINUTES = """
from django.core.files.base import ContentFile
from smartregion.events.models import Event, MinutesAttachment
event = Event.objects.filter(minutes_published_at__isnull=False).first()
attachment = MinutesAttachment(event=event, title="Folien", content_type="application/pdf", size=9)
attachment.file.save("folien.pdf", ContentFile(b"%PDF-1.4\\n"), save=True)
print(attachment.file.url)
"""
WITHDRAW_MINUTES = """
from smartregion.events.models import Event
Event.objects.filter(attachments__title="Folien").update(minutes_published_at=None)
"""


def _csrf(session, url: str) -> str:
    page = session.get(url)
    assert page.status_code == 200, url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, url
    return token.group(1)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_readme_production_steps_give_a_working_site_behind_nginx(stack: Stack) -> None:
    # The README's deploy/manage steps, as written there and in its order.
    steps = readme_steps()
    assert [step[0] for step in steps] == ["migrate", "collectstatic", "check"]
    for step in steps:
        result = stack.manage(*step)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "--deploy" in steps[-1]
    assert "System check identified no issues" in result.stdout
    # Test data: the demo (its mails are queued for the worker).
    seeded = stack.manage("seed_demo", "--force")
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr

    stack.start_services()
    stack.wait_until_served()
    site = stack.site_url
    browser = stack.client("127.0.0.2")

    # Pages through nginx and gunicorn; answers name neither gunicorn nor nginx's version.
    for path in PAGES:
        response = browser.get(site + path)
        assert response.status_code == 200, (path, response.text[:500])
        assert response.headers["Server"] == "nginx", path
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        assert "camera=()" in response.headers["Permissions-Policy"]
    home = browser.get(site + "/")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home.text)
    assert stylesheet
    css = browser.get(site + stylesheet.group(1))
    assert css.status_code == 200
    assert "immutable" in css.headers["Cache-Control"]
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    # Plain HTTP is sent to HTTPS.
    plain = browser.get(f"http://localhost:{stack.http_port}/ideen/", allow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")

    # Sign in through the real form: session and CSRF cookies are Secure and HttpOnly where they should be.
    browser.headers["Referer"] = site + "/konto/login/"
    token = _csrf(browser, site + "/konto/login/")
    login = browser.post(
        site + "/konto/login/",
        {"csrfmiddlewaretoken": token, "login": "clara.buerger@example.org", "password": DEMO_PASSWORD},
        allow_redirects=False,
    )
    assert login.status_code == 302, login.text[:1000]
    cookies = {cookie.name: cookie for cookie in browser.cookies}
    assert cookies["sessionid"].secure
    assert cookies["sessionid"].has_nonstandard_attr("HttpOnly")
    assert cookies["csrftoken"].secure

    # Upload an image with an idea through the real form, then fetch it where the idea page shows it.
    processes = browser.get(site + "/beteiligung/").text
    forms = sorted(set(re.findall(r'href="(/beteiligung/[^"/]+/)"', processes)))
    create = next(
        (
            match.group(1)
            for path in forms
            if (
                match := re.search(
                    r'href="(/beteiligung/[^"]+/idee-einreichen/)"', browser.get(site + path).text
                )
            )
        ),
        None,
    )
    assert create, "no process of the demo takes ideas"
    form = browser.get(site + create).text
    domain = re.search(r'name="domains" value="(\d+)"', form)
    assert domain
    browser.headers["Referer"] = site + create
    posted = browser.post(
        site + create,
        data={
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1),
            "title": "Fahrradbügel am Bahnhof",
            "body": "Am Bahnhof fehlen sichere Abstellplätze für Fahrräder.",
            "domains": domain.group(1),
            "image_alt": "Ein grünes Rechteck",
        },
        files={"image": ("bahnhof.png", _png(), "image/png")},
        allow_redirects=False,
    )
    assert posted.status_code == 302, posted.text[:2000]
    idea_page = browser.get(site + posted.headers["Location"]).text
    image = re.search(r'<img class="sr-image" src="([^"]+)"', idea_page)
    assert image, "the idea page shows no image"
    served = browser.get(site + image.group(1))
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(served.content)).size == (64, 48)

    # Attachments of minutes go through the app's permission check, not nginx's file serving: a download
    # while the minutes are public, not found once they are withdrawn.
    created = stack.manage("shell", "-c", ATTACH_TO_PUBLISHED_MINUTES)
    assert created.returncode == 0, created.stderr
    attachment_url = site + created.stdout.strip().splitlines()[-1]
    anonymous = stack.client("127.0.0.4")
    download = anonymous.get(attachment_url)
    assert download.status_code == 200, download.text[:500]
    assert download.content.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    withdrawn = stack.manage("shell", "-c", WITHDRAW_MINUTES)
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert anonymous.get(attachment_url).status_code == 404

    # The rate limiter counts the client nginx names (X-Real-IP), not nginx, and not what a client
    # claims: five feedback messages from 127.0.0.2 use up its limit, forged headers do not help,
    # 127.0.0.3 is not affected.
    feedback = site + "/barrierefreiheit/"
    answers = []
    for number in range(6):
        browser.headers.update({"Referer": feedback, "X-Real-IP": f"203.0.113.{number}"})
        answers.append(
            browser.post(
                feedback,
                {"csrfmiddlewaretoken": _csrf(browser, feedback), "message": f"Kontrast {number}"},
                allow_redirects=False,
            ).status_code
        )
    assert answers == [302] * 5 + [429]
    neighbour = stack.client("127.0.0.3")
    neighbour.headers["Referer"] = feedback
    answer = neighbour.post(feedback, {"csrfmiddlewaretoken": _csrf(neighbour, feedback), "message": "Hallo"})
    assert answer.status_code == 200  # after the redirect, the page with its thanks
    assert answer.history[0].status_code == 302

    # Bodies beyond the limit: nginx refuses 13 MB, the app a 5 MB JSON body (a problem document).
    too_big = browser.post(site + "/barrierefreiheit/", data=b"x" * (13 * 1024 * 1024))
    assert too_big.status_code == 413
    assert "Datei oder Formular zu groß" in too_big.text
    too_big_api = browser.post(site + "/api/v1/ideas", data=b"x" * (13 * 1024 * 1024))
    assert too_big_api.status_code == 413
    assert too_big_api.headers["Content-Type"] == "application/problem+json"
    api = browser.post(
        site + "/api/v1/ideas",
        data=json.dumps({"title": "x" * (5 * 1024 * 1024)}),
        headers={"Content-Type": "application/json"},
    )
    assert api.status_code == 413
    assert api.headers["Content-Type"].startswith("application/problem+json")
    # nginx's problem document (deploy/nginx/errors/413.json) says what the app's says.
    assert too_big_api.json() | {"instance": ""} == api.json() | {"instance": ""}

    # The task worker runs: the mails the demo and the sign-in queued are written.
    mails = Path(stack.base / "mail")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (mails.is_dir() and any(mails.iterdir())):
        time.sleep(0.5)
    assert mails.is_dir(), stack.log("worker")
    assert any(mails.iterdir()), stack.log("worker")

    # Open data: the worker writes the file, nginx sends it (X-Accel-Redirect) with the app's ETag.
    download = site + "/offene-daten/ideen.csv"
    first = browser.get(download)
    deadline = time.monotonic() + 30
    while first.status_code == 503 and time.monotonic() < deadline:
        assert first.headers["Retry-After"].isdigit()
        time.sleep(0.5)
        first = browser.get(download)
    assert first.status_code == 200, (first.status_code, first.text[:500], stack.log("worker"))
    assert first.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert first.headers["Content-Disposition"] == 'attachment; filename="ideen.csv"'
    assert first.headers["ETag"].startswith('"ideen-csv-')
    assert "X-Accel-Redirect" not in first.headers
    assert first.text.startswith("id,title,")
    assert browser.get(download, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert browser.get(site + "/_opendata/").status_code == 404

    for name, process in stack.processes.items():
        assert process.poll() is None, f"{name} ended:\n{stack.log(name)}"
