"""Statements of support: sent from the campaign page, confirmed, approved, shown."""

import pytest
from playwright.sync_api import Page, expect

from campaigns.services.demo import FLORENZI
from tests.browser.helpers import DESKTOP, PHONE, LiveServer, log_in

pytestmark = pytest.mark.browser

AUTHOR = "Thandi Dlamini"
AUTHOR_EMAIL = "thandi.dlamini@example.org"
UNION = "Food and Allied Workers' Union"
# Markup an author might type, on purpose or not: it must be shown, never run.
STATEMENT = (
    "We stand with the Florenzi workers. <b>Pay them now</b>.\n"
    '<script>document.title = "injected"</script><img src=x alt="">'
)
MODERATOR = "moderator@example.org"
PASSWORD = "moderate-with-care"


def send_statement(phone: Page, live_server: LiveServer) -> None:
    """Fill in the statement form of the campaign page (not the sign form above)."""
    phone.goto(live_server(f"/c/{FLORENZI}"))
    section = phone.locator("#send-statement")
    section.get_by_label("Your name").fill(AUTHOR)
    section.get_by_label("Role or position (optional)").fill("Shop steward")
    section.get_by_label("Organisation (optional)").fill(UNION)
    section.get_by_label("I write on behalf of this organisation").check()
    section.get_by_label("Country").select_option("ZA")
    section.get_by_label("Your statement").fill(STATEMENT)
    section.get_by_label("Email").fill(AUTHOR_EMAIL)
    section.get_by_label("Publish my name and organisation").check()
    section.get_by_role("button", name="Send my statement").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    phone.goto(live_server.link_in_latest_mail(AUTHOR_EMAIL, "/st/confirm/"))
    expect(phone.locator(".statement-text")).to_have_text(STATEMENT)
    phone.get_by_role("button", name="Confirm my statement").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your statement is confirmed"
    )


def approve_statement(desk: Page, live_server: LiveServer) -> None:
    """An organizer finds the statement in the queue and approves it."""
    live_server.create_organizer(MODERATOR, PASSWORD, is_admin=True)
    log_in(desk, live_server, MODERATOR, PASSWORD)
    desk.goto(live_server(f"/organize/campaigns/{FLORENZI}/statements"))
    item = desk.locator(".queue-item", has_text=AUTHOR)
    expect(item.locator(".statement-text")).to_have_text(STATEMENT)
    item.get_by_role("button", name="Approve").click()
    expect(desk.get_by_role("status")).to_have_text(
        "The statement is approved and shown on the campaign page."
    )
    expect(desk.locator(".queue-item", has_text=AUTHOR)).to_have_count(0)


def expect_shown_as_text(page: Page) -> None:
    """The statement reads as typed: its markup is text, with no element in it."""
    card = page.locator(".statement", has_text=AUTHOR)
    expect(card.locator(".statement-author")).to_contain_text(UNION)
    expect(card.locator(".statement-text")).to_have_text(STATEMENT)
    expect(card.locator(".statement-text *")).to_have_count(0)
    assert page.title() != "injected"


def test_statement_is_sent_confirmed_approved_and_shown_as_plain_text(
    browse, live_server
):
    phone = browse.new_page(PHONE)
    send_statement(phone, live_server)
    phone.goto(live_server(f"/c/{FLORENZI}"))
    expect(phone.locator("#statements")).not_to_contain_text(AUTHOR)

    approve_statement(browse.new_page(DESKTOP), live_server)
    published = live_server.wait_for_mail(AUTHOR_EMAIL, count=2)
    assert published["Subject"].startswith("Your statement of support is published")

    phone.reload()
    expect_shown_as_text(phone)
    phone.locator(".statement", has_text=AUTHOR).locator(".meta a").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(
        "A statement of support for"
    )
    expect_shown_as_text(phone)
