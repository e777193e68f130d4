"""Shared by browser tests: the live server handle, watched pages, axe, screenshots."""

import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    expect,
)

from campaigns.services import accounts
from tests.conftest import Mailbox

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_DIR / "test-artifacts"
AXE = PROJECT_DIR / ".cache/axe-core/node_modules/axe-core/axe.min.js"

HOST = "127.0.0.1"
# Browser-context options for the two kinds of visitor.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MAIL_TIMEOUT = 10.0


@dataclass
class LiveServer:
    """The app served on a loopback port, and the mailbox its emails arrive in."""

    app: Flask
    url: str
    mailbox: Mailbox

    def __call__(self, path: str) -> str:
        """The absolute URL of `path` on this server."""
        return self.url + path

    def wait_for_mail(
        self, address: str, *, count: int = 1, timeout: float = MAIL_TIMEOUT
    ) -> EmailMessage:
        """Wait until `address` has received `count` messages; return the latest."""
        deadline = time.monotonic() + timeout
        while len(received := self.mailbox.to(address)) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"email #{count} to {address} not received in {timeout} s")
            time.sleep(0.05)
        return received[-1]

    def link_in_latest_mail(
        self, address: str, containing: str, *, count: int = 1
    ) -> str:
        """The first link containing `containing` in email #`count` to `address`."""
        message = self.wait_for_mail(address, count=count)
        links = [u for u in self.mailbox.links(message) if containing in u]
        assert links, f"no link containing {containing!r} in {message['Subject']!r}"
        assert all(urlsplit(u).hostname == HOST for u in links), links
        return links[0]

    def create_organizer(
        self, email: str, password: str, *, name: str = "", is_admin: bool = False
    ) -> None:
        """Create an organizer account in the served app's database."""
        with self.app.app_context():
            accounts.create_organizer(
                email, password=password, name=name, is_admin=is_admin
            )


def log_in(page: Page, live_server: LiveServer, email: str, password: str) -> None:
    """Log an organizer in through the real login form; land on the dashboard."""
    page.goto(live_server("/organize/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your campaigns")


def stays_local(url: str) -> bool:
    """True unless `url` is a network address on some host other than ours."""
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname == HOST


def leaves_loopback(url: str) -> bool:
    """True if fetching `url` would leave 127.0.0.1."""
    return not stays_local(url)


@dataclass
class Browsing:
    """Pages opened in fresh browser contexts, watched for anything going wrong."""

    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def new_page(self, device: dict = DESKTOP, **options: object) -> Page:
        """A watched page in a new context (its own cookies), e.g. on a PHONE."""
        context = self.browser.new_context(
            **(device | {"locale": "en-GB", "service_workers": "block"} | options)
        )
        context.set_default_timeout(10_000)
        context.route(leaves_loopback, self._block)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"JS error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        return page

    def expect_status(self, status: int) -> None:
        """Accept responses with this error status (e.g. 422 for a form with errors)."""
        self.expected_statuses.add(status)

    def close(self) -> list[str]:
        """Close every context; return what went wrong while they were open."""
        for context in self.contexts:
            context.close()
        return self.problems

    def _block(self, route: Route) -> None:
        self.problems.append(f"request left {HOST}: {route.request.url}")
        route.abort("blockedbyclient")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if any(f"status of {s} " in message.text for s in self.expected_statuses):
            return
        self.problems.append(f"console error: {message.text} ({message.location})")

    def _on_request_failed(self, request: Request) -> None:
        # A navigation cancels the requests still in flight; that is not a failure.
        if request.failure != "net::ERR_ABORTED" and stays_local(request.url):
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and response.status not in self.expected_statuses:
            self.problems.append(f"HTTP {response.status}: {response.url}")


def axe_violations(
    page: Page, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict]:
    """Run axe-core on the page; return its violations of the given impacts."""
    if not AXE.exists():
        pytest.fail(
            f"axe-core is missing ({AXE.relative_to(PROJECT_DIR)}): run `make axe` "
            "(npm install --prefix .cache/axe-core axe-core@4)."
        )
    # Evaluated through DevTools, so the page's strict CSP (no inline script) stays on.
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]}))
            .violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary),
            }))"""
    )
    return [v for v in violations if v["impact"] in impacts]


FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        id: el.id, tag: el.tagName.toLowerCase(), text: el.innerText || "",
        outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    };
}"""


def focused(page: Page) -> dict:
    """The element with keyboard focus: its id, tag, text and outline width."""
    return page.evaluate(FOCUSED)


def tab_to(
    page: Page, text: str = "", *, element_id: str = "", presses: int = 40
) -> dict:
    """Press Tab until the focused element reads `text` (or has `element_id`)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        element = focused(page)
        if element_id and element["id"] == element_id:
            return element
        if text and element["text"].strip() == text:
            return element
    pytest.fail(f"{text or '#' + element_id!r} could not be reached with the Tab key")


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path
