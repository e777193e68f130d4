"""The campaign page laid out at phone and desktop widths, saved for a person to see."""

import pytest
from playwright.sync_api import Page

from campaigns.services.demo import AMAR_FAYAZ, FLORENZI
from tests.browser.helpers import DESKTOP, PHONE, save_screenshot

pytestmark = pytest.mark.browser


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not displayed"
    return found


def assert_fits_width(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0, f"the page scrolls sideways by {overflow}px"


def assert_progress_bar_visible(page: Page) -> None:
    bar = box(page, ".campaign progress")
    assert bar["height"] >= 10
    assert bar["width"] >= 0.8 * page.viewport_size["width"] - 64


def test_campaign_on_a_phone_offers_signing_on_the_first_screen(browse, live_server):
    page = browse.new_page(PHONE)
    page.goto(live_server(f"/c/{FLORENZI}"))
    save_screenshot(page, "campaign-phone")
    assert_fits_width(page)
    assert_progress_bar_visible(page)
    first_screen = page.viewport_size["height"]
    call = box(page, ".sign-jump a")
    assert call["y"] + call["height"] <= first_screen
    assert call["width"] >= 300  # a wide, easy target for a thumb
    page.locator(".sign-jump a").click()
    assert page.locator("#sign").get_by_label("Full name").is_visible()
    assert box(page, "#sign")["y"] < first_screen / 2


def test_campaign_on_a_desktop_puts_the_form_beside_the_text(browse, live_server):
    page = browse.new_page(DESKTOP)
    page.goto(live_server(f"/c/{FLORENZI}"))
    save_screenshot(page, "campaign-desktop")
    assert_fits_width(page)
    assert_progress_bar_visible(page)
    text, form = box(page, ".campaign-text"), box(page, "#sign")
    assert form["x"] > text["x"] + text["width"]
    assert form["y"] < page.viewport_size["height"] / 2
    assert not page.locator(".sign-jump").is_visible()


DEVICES = pytest.mark.parametrize(
    ("device", "name"),
    [(PHONE, "phone"), (DESKTOP, "desktop")],
    ids=["phone", "desktop"],
)


@DEVICES
def test_closed_campaign_reads_as_one_column(browse, live_server, device, name):
    page = browse.new_page(device)
    page.goto(live_server(f"/c/{AMAR_FAYAZ}"))
    save_screenshot(page, f"closed-campaign-{name}")
    assert_fits_width(page)
    assert page.get_by_text("This campaign is closed.").is_visible()
    assert page.locator("#sign, .sign-jump").count() == 0
    assert box(page, ".campaign-text")["width"] <= 42 * 16  # 42rem
