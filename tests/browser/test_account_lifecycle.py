"""A person's whole account life in the browser: register, confirm, sign out and in, edit the profile,
export the data, delete the account; axe checks the pages that only this journey reaches."""

import json
import re
from urllib.parse import urlsplit

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from smartregion.accounts.models import User
from smartregion.web.demo import DemoData

from .support import AxeAudit, sign_in, submit

pytestmark = pytest.mark.browser

EMAIL = "ada.testerin@example.org"
PASSWORD = "Lindenbaum-am-Rhein-2026"


def german(message: str) -> str:
    """A message as the German page shows it; fails if it has no German translation yet."""
    with translation.override("de"):
        translated = str(gettext(message))
    assert translated != message, f"no German translation for {message!r}"
    return translated


def signed_in(page: Page) -> bool:
    return page.locator(f"header form[action='{reverse('account_logout')}']").count() == 1


def test_account_lifecycle(page: Page, live_server: LiveServer, demo_data: DemoData) -> None:
    audit = AxeAudit()

    # Register.
    page.goto(reverse("account_signup"))
    page.locator("input[name=display_name]").fill("Ada Testerin")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    submit(page)
    assert urlsplit(page.url).path == reverse("account_email_verification_sent")
    audit.check(page)
    assert not signed_in(page)

    # The verification mail went out through the task queue once the signup had committed.
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    link = re.search(rf"{re.escape(live_server.url)}/konto/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    # Confirm the address: ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION signs the person in.
    page.goto(link.group(0))
    audit.check(page)
    submit(page)
    assert urlsplit(page.url).path == reverse("accounts:profile")
    assert signed_in(page)
    user = User.objects.get(email=EMAIL)
    assert user.display_name == "Ada Testerin"
    assert user.emailaddress_set.get().verified

    # Sign out with the button in the header, then in again with e-mail and password.
    with page.expect_navigation():
        page.locator("header form[action$='/logout/'] button[type=submit]").click()
    assert urlsplit(page.url).path == reverse("web:home")
    assert not signed_in(page)
    sign_in(page, EMAIL, PASSWORD)
    assert urlsplit(page.url).path == reverse("accounts:profile")
    assert signed_in(page)

    # Edit the voluntary profile.
    page.get_by_label(re.compile(r"^Anzeigename")).fill("Ada aus Mendig")
    page.locator("select[name=home_municipality]").select_option(label="Mendig")
    page.locator("select[name=age_group]").select_option("30-44")
    submit(page)
    expect(page.locator("main [role=status]")).to_have_text(german("Your profile has been saved."))
    audit.check(page)
    user.refresh_from_db()
    assert (user.display_name, user.home_municipality.name, user.age_group) == (
        "Ada aus Mendig",
        "Mendig",
        "30-44",
    )
    expect(page.locator("input[name=display_name]")).to_have_value("Ada aus Mendig")

    # Download everything stored about oneself.
    with page.expect_download() as download_info:
        page.locator(f"a[href='{reverse('accounts:data_export')}']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    with open(download.path(), encoding="utf-8") as file:
        export = json.load(file)
    assert export["account"]["email"] == EMAIL
    assert export["account"]["display_name"] == "Ada aus Mendig"

    # A wrong password deletes nothing and says why, in German.
    page.goto(reverse("accounts:delete"))
    page.locator("input[name=password]").fill("nicht-mein-Passwort")
    submit(page)
    error = page.locator("#id_password_error")
    expect(error).to_have_text(german("The password is not correct."))
    expect(page.locator("input[name=password]")).to_have_attribute("aria-invalid", "true")
    audit.check(page)
    user.refresh_from_db()
    assert user.is_active
    assert user.email == EMAIL

    # The right password deletes the account: signed out, at home, told what happened.
    page.locator("input[name=password]").fill(PASSWORD)
    submit(page)
    assert urlsplit(page.url).path == reverse("web:home")
    assert not signed_in(page)
    expect(page.locator("main [role=status]")).to_have_text(
        german("Your account has been deleted. Your contributions remain without your name.")
    )
    user.refresh_from_db()
    assert user.email.startswith("deleted-")
    assert not user.is_active
    assert user.display_name == ""
    assert user.home_municipality is None

    # The old credentials no longer work.
    sign_in(page, EMAIL, PASSWORD)
    assert urlsplit(page.url).path == reverse("account_login")
    assert not signed_in(page)
    with translation.override("de"):
        mismatch = str(DefaultAccountAdapter.error_messages["email_password_mismatch"])
    expect(page.locator("main [role=alert]")).to_contain_text(mismatch)
    audit.check(page)

    audit.assert_clean()
