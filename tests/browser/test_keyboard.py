"""Keyboard use: the skip link comes first and works, and every focus stop shows a visible outline."""

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from smartregion.web.demo import DemoData

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    className: typeof element.className === "string" ? element.className : "",
    text: (element.innerText || element.getAttribute("aria-label") || element.name || "").trim().slice(0, 40),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    inMain: Boolean(element.closest("main")),
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
  };
}"""
# WCAG 1.4.11: a focus indicator needs 3:1 against the (white) page background.
MIN_CONTRAST = 3.0


def luminance(css_color: str) -> float:
    red, green, blue, *alpha = (float(value) for value in re.findall(r"[\d.]+", css_color))
    assert not alpha or alpha[0] == 1, f"translucent outline {css_color}"

    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_with_white(css_color: str) -> float:
    return 1.05 / (luminance(css_color) + 0.05)


def focused(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(FOCUSED)
    return result


def test_skip_link_is_first_and_moves_focus_to_main(page: Page, demo_data: DemoData) -> None:
    page.goto(reverse("web:home"))
    page.keyboard.press("Tab")
    first = focused(page)
    assert "sr-skip-link" in first["className"], first
    assert first["visible"], "the skip link must become visible when focused"

    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert focused(page)["id"] == "main"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert focused(page)["inMain"]


@pytest.mark.parametrize("path", ["web:home", "account_login"])
def test_every_focus_stop_is_visible(page: Page, demo_data: DemoData, path: str) -> None:
    page.goto(reverse(path))
    seen: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["tag"] == "body" or (seen and "sr-skip-link" in element["className"]):
            break  # focus left the page or wrapped around
        label = f"<{element['tag']} class={element['className']!r}> {element['text']!r}"
        seen.append(label)
        assert element["visible"], f"focused element is off screen: {label}"
        assert element["outlineStyle"] != "none", f"no focus outline: {label}"
        assert element["outlineWidth"] >= 2, f"focus outline thinner than 2px: {label}"
        contrast = contrast_with_white(element["outlineColor"])
        assert contrast >= MIN_CONTRAST, f"focus outline contrast {contrast:.2f}:1: {label}"
    assert len(seen) >= 5, seen
