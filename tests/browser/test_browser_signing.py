"""Signer journeys: from a news item to a confirmed signature; the live tally."""

import re

import pytest
from playwright.sync_api import Page, expect

from campaigns.services.demo import FLORENZI
from tests.browser.helpers import DESKTOP, PHONE, focused, tab_to

pytestmark = pytest.mark.browser

SIGNER = "ana.flores@example.org"
TALLY_WAIT_MS = 5_000


def open_campaign_from_news(page: Page, live_server) -> None:
    page.goto(live_server("/news"))
    page.get_by_role("link", name=re.compile("Florenzi workers fight closure")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Florenzi workers")
    page.get_by_role("link", name="Sign the campaign").click()
    expect(page).to_have_url(live_server(f"/c/{FLORENZI}#sign"))


def test_phone_signer_confirms_and_desktop_tally_follows(browse, live_server):
    watcher = browse.new_page(DESKTOP)
    watcher.goto(live_server(f"/c/{FLORENZI}"))
    count = watcher.locator(".campaign [data-tally-count]")
    before = int(count.inner_text())
    bar_before = watcher.locator(".campaign progress").evaluate("bar => bar.value")

    phone = browse.new_page(PHONE)
    open_campaign_from_news(phone, live_server)
    phone.locator("#sign").get_by_label("Full name").fill("Ana Flores")
    phone.locator("#sign").get_by_label("Email", exact=True).fill(SIGNER)
    phone.locator("#sign").get_by_label("Country").select_option("SV")
    phone.locator("#sign").get_by_label("Show my name").check()
    phone.locator("#sign").get_by_label("Keep me informed").check()
    phone.locator("#sign").get_by_role("button", name="Sign").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    phone.goto(live_server.link_in_latest_mail(SIGNER, "/s/confirm/"))
    phone.get_by_role("button", name="Confirm my signature").click()
    expect(phone.locator(".signer-number")).to_have_text(
        f"You are signer number {before + 1}."
    )

    expect(count).to_have_text(str(before + 1), timeout=TALLY_WAIT_MS)
    expect(watcher.locator(".campaign progress")).to_have_js_property(
        "value", bar_before + 1
    )


# The sign form in Tab order: what to type in each field, and which key to press.
KEYBOARD_SIGNING = [
    ("full_name", "Ana Flores", None),
    ("email", SIGNER, None),
    ("country", "El Salvador", None),
    ("comment", "", None),
    ("show_name", "", "Space"),
    ("keep_informed", "", "Space"),
]


def test_keyboard_only_signing_in_a_sensible_order_with_visible_focus(
    browse, live_server
):
    page = browse.new_page(DESKTOP)
    page.goto(live_server("/news"))
    tab_to(page, "El Salvador: Florenzi workers fight closure and unpaid wages")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/news/\d+$"))
    assert tab_to(page, "Sign the campaign")["outline"] > 0
    page.keyboard.press("Enter")
    page.wait_for_url(live_server(f"/c/{FLORENZI}#sign"))

    for field_id, typed, pressed in KEYBOARD_SIGNING:
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["id"] == field_id, f"Tab reached {element}, not #{field_id}"
        assert element["outline"] > 0, f"no visible focus on #{field_id}"
        page.keyboard.type(typed)
        if pressed:
            page.keyboard.press(pressed)
    expect(page.locator("#country")).to_have_value("SV")
    expect(page.locator("#show_name")).to_be_checked()
    expect(page.locator("#keep_informed")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Sign"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    page.goto(live_server.link_in_latest_mail(SIGNER, "/s/confirm/"))
    assert tab_to(page, "Confirm my signature")["outline"] > 0
    page.keyboard.press("Enter")
    expect(page.locator(".signer-number")).to_contain_text("You are signer number")
