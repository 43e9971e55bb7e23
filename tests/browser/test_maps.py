"""The municipality map in the browser: every name readable, none covering another ("Mayen" hid under
"Vordereifel"), without a base map."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from smartregion.network import demo as network_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def municipalities(transactional_db: None) -> None:
    network_demo.seed_municipalities(network_demo.seed_region())


@pytest.mark.usefixtures("municipalities")
@pytest.mark.parametrize("width", [1280, 375])
def test_the_municipality_labels_do_not_overlap(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("web:home"))
    page.locator("#municipality-map .sr-map-label").first.wait_for()
    # What a person sees once the map has settled: fitting the bounds may change the zoom after the first
    # placement, and the labels are placed again on "zoomend". Read until two reads agree.
    boxes, settled = None, False
    for _ in range(20):
        page.wait_for_timeout(250)
        current = page.eval_on_selector_all(
            "#municipality-map .sr-map-label",
            "els => els.map(e => { const r = e.getBoundingClientRect();"
            " return [e.textContent, r.left, r.top, r.right, r.bottom]; })",
        )
        settled, boxes = current == boxes, current
        if settled:
            break
    assert settled, "the labels kept moving for 5 s"
    names = {box[0] for box in boxes}
    if width >= 1000:
        assert len(names) == 10
    # On a phone a name with no free side around its point is left to its tooltip (and the table).
    assert {"Mayen", "Andernach"} <= names
    for index, (name, left, top, right, bottom) in enumerate(boxes):
        for other, o_left, o_top, o_right, o_bottom in boxes[index + 1 :]:
            overlap = left < o_right and o_left < right and top < o_bottom and o_top < bottom
            assert not overlap, f"“{name}” covers “{other}”"
