"""Signer journeys: from a news item to a confirmed signature; the live tally."""

import re

import pytest
from playwright.sync_api import Page, expect

from campaigns.services.demo import FLORENZI
from tests.browser.helpers import DESKTOP, PHONE

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
    phone.get_by_label("Full name").fill("Ana Flores")
    phone.get_by_label("Email", exact=True).fill(SIGNER)
    phone.get_by_label("Country").select_option("SV")
    phone.get_by_label("Show my name").check()
    phone.get_by_label("Keep me informed").check()
    phone.get_by_role("button", name="Sign").click()
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
