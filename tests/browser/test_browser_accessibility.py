"""axe-core on every page a signer sees: no serious or critical violations."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import DESKTOP, PHONE, axe_violations

pytestmark = pytest.mark.browser

SIGNER = "kwame.mensah@example.org"


def _walk_signer_pages(page: Page, live_server, check) -> None:
    """Visit each page of the signing path, calling `check(name)` on each."""
    page.goto(live_server("/"))
    check("home")
    page.goto(live_server("/news"))
    check("news list")
    page.get_by_role("link", name=re.compile("Florenzi workers fight closure")).click()
    check("news item")
    page.get_by_role("link", name="Sign the campaign").click()
    check("campaign")
    page.locator("#sign").get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("#sign").get_by_role("alert")).to_contain_text("Please correct")
    check("sign with errors")
    page.locator("#sign").get_by_label("Full name").fill("Kwame Mensah")
    page.locator("#sign").get_by_label("Email", exact=True).fill(SIGNER)
    page.locator("#sign").get_by_label("Country").select_option("GH")
    page.locator("#sign").get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    check("check email")
    page.goto(live_server.link_in_latest_mail(SIGNER, "/s/confirm/"))
    check("confirm")
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.locator(".signer-number")).to_be_visible()
    check("confirmed")
    page.goto(live_server.link_in_latest_mail(SIGNER, "/s/withdraw/"))
    check("withdraw")
    page.get_by_role("button", name="Withdraw my signature").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("withdrawn")
    check("withdrawn")
    page.goto(live_server("/s/confirm/not-a-real-token"))
    check("bad link")
    page.goto(live_server("/c/no-such-campaign"))
    check("not found")


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_signer_pages_have_no_serious_accessibility_violations(
    browse, live_server, device
):
    for status in (422, 400, 404):  # form errors, a broken link, a missing page
        browse.expect_status(status)
    page = browse.new_page(device)
    found = {}

    def check(name: str) -> None:
        if violations := axe_violations(page):
            found[name] = violations

    _walk_signer_pages(page, live_server, check)
    assert found == {}
