"""axe-core on every page a signer sees: no serious or critical violations."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from campaigns.services.demo import FLORENZI
from tests.browser.helpers import DESKTOP, PHONE, axe_violations, log_in

pytestmark = pytest.mark.browser

SIGNER = "kwame.mensah@example.org"
ORGANIZER = "amina.organizer@example.org"
PASSWORD = "accessible-for-all"


def axe_log(page: Page) -> tuple[dict[str, list[dict]], Callable[[str], None]]:
    """Violations found so far, by page name, and `check(name)` to run axe again."""
    found: dict[str, list[dict]] = {}

    def check(name: str) -> None:
        if violations := axe_violations(page):
            found[name] = violations

    return found, check


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
    found, check = axe_log(page)
    _walk_signer_pages(page, live_server, check)
    assert found == {}


def _submit_empty(page: Page, button: str, check, name: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check(name)


def _walk_organizer_pages(page: Page, live_server, check) -> None:
    """Visit each organizer page, with and without form errors."""
    page.goto(live_server("/organize/login"))
    check("login")
    _submit_empty(page, "Log in", check, "login with errors")
    log_in(page, live_server, ORGANIZER, PASSWORD)
    check("dashboard")
    page.get_by_role("link", name="Start a campaign").click()
    check("new campaign")
    _submit_empty(page, "Save", check, "new campaign with errors")
    page.get_by_label("Text (Markdown)").fill("## Demands\n\n- **Back pay**")
    page.get_by_role("button", name="Preview the text").click()
    expect(page.locator(".preview strong")).to_have_text("Back pay")
    check("new campaign with preview")
    campaign = f"/organize/campaigns/{FLORENZI}"
    for name, path in (
        ("campaign overview", campaign),
        ("news timeline", f"{campaign}/news"),
        ("export", f"{campaign}/export"),
        ("statements queue", f"{campaign}/statements"),
        ("team", f"{campaign}/team"),
        ("news items", "/organize/news"),
        ("news form", "/organize/news/new"),
        ("close form", f"{campaign}/close"),
    ):
        page.goto(live_server(path))
        check(name)
    _submit_empty(page, "Close the campaign", check, "close form with errors")


def test_organizer_pages_have_no_serious_accessibility_violations(browse, live_server):
    browse.expect_status(422)  # forms sent empty on purpose
    live_server.create_organizer(ORGANIZER, PASSWORD, is_admin=True)
    page = browse.new_page(DESKTOP)
    found, check = axe_log(page)
    _walk_organizer_pages(page, live_server, check)
    assert found == {}


def test_statement_pages_have_no_serious_accessibility_violations(browse, live_server):
    browse.expect_status(422)
    page = browse.new_page(PHONE)
    found, check = axe_log(page)
    page.goto(live_server(f"/c/{FLORENZI}"))
    section = page.locator("#send-statement")
    section.get_by_role("button", name="Send my statement").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct")
    check("statement form with errors")
    page.goto(live_server(f"/c/{FLORENZI}"))
    page.locator("#statements .statement .meta a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("statement of support")
    check("statement permalink")
    assert found == {}
