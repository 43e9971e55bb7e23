"""The open-data page in the browser: reachable from the footer, accessible with every column table open
and at phone width, and its downloads arrive as files with the data in them."""

import csv
import io

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from smartregion.opendata.datasets import DATASETS
from smartregion.web.demo import DemoData

from .support import AxeAudit, switch_language

pytestmark = pytest.mark.browser


def test_page_from_the_footer_with_the_column_tables_open(page: Page, demo_data: DemoData) -> None:
    audit = AxeAudit()
    page.goto(reverse("web:home"))
    with page.expect_navigation():
        page.locator("footer a", has_text="Offene Daten").click()
    expect(page.locator("h1")).to_have_text("Offene Daten")

    for summary in page.locator("main details summary").all():
        summary.click()
    expect(page.locator("main details[open]")).to_have_count(len(DATASETS))
    audit.check(page)
    switch_language(page, "en")
    expect(page.locator("h1")).to_have_text("Open data")
    audit.check(page)
    page.set_viewport_size({"width": 375, "height": 812})
    audit.check(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the open-data page scrolls sideways by {overflow}px at 375px width"
    audit.assert_clean()


def test_a_download_link_delivers_the_csv_file(page: Page, demo_data: DemoData) -> None:
    page.goto(reverse("opendata:index"))

    with page.expect_download() as info:
        page.locator("#kommunen a", has_text="CSV").click()

    download = info.value
    assert download.suggested_filename == "kommunen.csv"
    with open(download.path(), encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert len(rows) == len(demo_data.municipalities)
    assert {"Andernach", "Mayen"} <= {row["name"] for row in rows}
