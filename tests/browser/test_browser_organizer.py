"""The organizer's journey: log in, launch a campaign, export its signers, close it."""

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    LiveServer,
    focused,
    log_in,
    tab_to,
)

pytestmark = pytest.mark.browser

ORGANIZER = "rosa.organizer@example.org"
PASSWORD = "cleaners-win-2026"
TITLE = "Fair wages for the cleaners of Hôtel Cèdre"
SLUG = "fair-wages-for-the-cleaners-of-hotel-cedre"  # suggested from the title
BODY = "## Our demands\n\n- **Back pay** for three months\n- A union contract"
NEWS_TITLE = "Cleaners of Hôtel Cèdre walk out over unpaid wages"
SIGNER_NAME = "Zoë Ngũgĩ"
SIGNER = "zoe.ngugi@example.org"  # asks to be kept informed
QUIET_SIGNER = "li.wei@example.org"  # does not
OUTCOME = "Won: the back pay was paid on 3 March and the union is recognised."


def expect_flash(page: Page, message: str) -> None:
    expect(page.get_by_role("status")).to_have_text(message)


def create_draft(page: Page) -> None:
    """Fill in the new-campaign form, preview the Markdown, and save the draft."""
    page.get_by_role("link", name="Start a campaign").click()
    page.get_by_label("Title").fill(TITLE)
    expect(page.get_by_label("Address (slug)")).to_be_empty()
    page.get_by_label("Summary").fill("The hotel owes its cleaners three months' pay.")
    page.get_by_label("Text (Markdown)").fill(BODY)
    page.get_by_label("Addressed to").fill("The management of Hôtel Cèdre")
    page.get_by_label("Goal (signatures)").fill("500")
    page.get_by_role("button", name="Preview the text").click()
    preview = page.locator(".preview")
    expect(preview.get_by_role("heading", name="Our demands")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("Back pay")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect_flash(page, "Draft saved. Publish it when it is ready.")


def publish(page: Page, live_server: LiveServer) -> None:
    expect(page).to_have_url(live_server(f"/organize/campaigns/{SLUG}"))
    expect(page.locator(".meta")).to_contain_text("Draft")
    page.get_by_role("button", name="Publish").click()
    expect_flash(page, "The campaign is live.")
    expect(page.locator(".meta")).to_contain_text("Live")


def link_news_item(page: Page) -> None:
    """Write a news item through the organizer pages and put it on the timeline."""
    page.get_by_role("link", name="News timeline").click()
    expect(page.locator("main")).to_contain_text("No news items on this timeline yet.")
    timeline_url = page.url
    page.get_by_role("link", name="Write a news item").click()
    page.get_by_label("Title").fill(NEWS_TITLE)
    page.get_by_label("Summary").fill("Forty cleaners stopped work on Monday.")
    page.get_by_label("Source").fill("Hotel Workers' Bulletin")
    page.get_by_role("button", name="Save").click()
    expect_flash(page, "News item saved.")
    page.goto(timeline_url)
    page.get_by_label("News item").select_option(label=NEWS_TITLE)
    page.get_by_role("button", name="Add to the timeline").click()
    expect_flash(page, "News item added to the timeline.")
    linked = page.locator(".timeline li", has_text=NEWS_TITLE)
    expect(linked).to_contain_text("0 signatures when linked")


def sign_from_the_news(phone: Page, live_server: LiveServer) -> None:
    """A visitor finds the campaign through the news item, signs and confirms."""
    phone.goto(live_server("/news"))
    phone.get_by_role("link", name=NEWS_TITLE).click()
    phone.get_by_role("link", name="Sign the campaign").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(phone.locator(".campaign-text strong")).to_have_text("Back pay")
    expect(phone.locator(".timeline")).to_contain_text(NEWS_TITLE)
    sign_and_confirm(phone, live_server, SIGNER_NAME, SIGNER, keep_informed=True)
    expect(phone.locator(".signer-number")).to_have_text("You are signer number 1.")


def sign_and_confirm(
    phone: Page, live_server: LiveServer, name: str, email: str, *, keep_informed: bool
) -> None:
    form = phone.locator("#sign")
    form.get_by_label("Full name").fill(name)
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Country").select_option("KE")
    form.get_by_label("Keep me informed").set_checked(keep_informed)
    form.get_by_role("button", name="Sign").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    phone.goto(live_server.link_in_latest_mail(email, "/s/confirm/"))
    phone.get_by_role("button", name="Confirm my signature").click()


def see_the_signatures(page: Page) -> None:
    """The overview and the dashboard both count the confirmed signatures."""
    page.get_by_role("link", name="Overview").click()
    current = page.get_by_role("navigation", name="Campaign").locator("[aria-current]")
    expect(current).to_have_text("Overview")
    counts = page.locator(".counts")
    expect(counts.locator("div", has_text="Confirmed").locator("dd")).to_have_text("2")
    countries = page.get_by_role("region", name="Top countries")
    expect(countries.get_by_role("row", name="Kenya")).to_contain_text("2")
    page.get_by_role("link", name="Organize", exact=True).click()
    row = page.get_by_role("row", name=re.compile(TITLE))
    expect(row.get_by_role("cell").nth(1)).to_have_text("Live")
    expect(row.get_by_role("cell").nth(2)).to_have_text("2")
    row.get_by_role("link", name=TITLE).click()


def download_signers(page: Page) -> None:
    """Download the CSV export and read the file back as a spreadsheet would."""
    page.get_by_role("link", name="Export").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download signers (CSV)").click()
    download = info.value
    assert re.fullmatch(
        rf"{SLUG}-signatures-\d{{4}}-\d\d-\d\d\.csv", download.suggested_filename
    )
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark for Excel"
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [row["Email"] for row in rows] == [SIGNER, QUIET_SIGNER]
    signer, quiet = rows
    assert signer["Name"] == SIGNER_NAME
    assert signer["Country"] == "KE"
    assert signer["Agreed to be kept informed (UTC)"]
    assert signer["Confirmed (UTC)"]
    assert not quiet["Agreed to be kept informed (UTC)"]


def close_with_outcome(page: Page) -> None:
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Close with an outcome").click()
    page.get_by_label("Outcome").fill(OUTCOME)
    page.get_by_role("button", name="Close the campaign").click()
    expect_flash(page, "The campaign is closed. 1 signer will be told by email.")
    expect(page.locator(".meta")).to_contain_text("Closed")


def test_organizer_launches_a_campaign_and_closes_it_with_an_outcome(
    browse, live_server
):
    live_server.create_organizer(ORGANIZER, PASSWORD, name="Rosa Aguilar")
    desk = browse.new_page(DESKTOP)
    log_in(desk, live_server, ORGANIZER, PASSWORD)
    create_draft(desk)
    publish(desk, live_server)
    link_news_item(desk)

    phone = browse.new_page(PHONE)
    sign_from_the_news(phone, live_server)
    phone.goto(live_server(f"/c/{SLUG}"))
    sign_and_confirm(phone, live_server, "Li Wei", QUIET_SIGNER, keep_informed=False)

    desk.goto(live_server(f"/organize/campaigns/{SLUG}/news"))
    see_the_signatures(desk)
    download_signers(desk)
    close_with_outcome(desk)

    phone.goto(live_server(f"/c/{SLUG}"))
    expect(phone.locator(".outcome")).to_contain_text(OUTCOME)
    expect(phone.locator("#sign")).to_have_count(0)
    outcome_mail = live_server.wait_for_mail(SIGNER, count=2)
    assert outcome_mail["Subject"] == f"Campaign closed: {TITLE}"
    assert OUTCOME in outcome_mail.get_body(("plain",)).get_content()
    assert len(live_server.mailbox.to(QUIET_SIGNER)) == 1, "only the confirmation"


def test_login_form_works_by_keyboard_alone_with_visible_focus(browse, live_server):
    live_server.create_organizer(ORGANIZER, PASSWORD)
    page = browse.new_page(DESKTOP)
    page.goto(live_server("/organize/login"))
    email = tab_to(page, element_id="email", presses=15)
    assert email["outline"] > 0, "no visible focus on #email"
    page.keyboard.type(ORGANIZER)
    page.keyboard.press("Tab")
    password = focused(page)
    assert password["id"] == "password", f"Tab reached {password}, not #password"
    assert password["outline"] > 0, "no visible focus on #password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    button = focused(page)
    assert (button["tag"], button["text"]) == ("button", "Log in")
    assert button["outline"] > 0, "no visible focus on the Log in button"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your campaigns")
