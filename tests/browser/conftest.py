"""Browser fixtures: the real app on a live loopback server, real mail, real Chromium.

`live_server` serves the app (with the demo content) on 127.0.0.1 and delivers its
mail to a real SMTP server through a real mail-worker thread. `browse` opens pages in
Debian's Chromium, records every console error, page error and failed request, blocks
any request that would leave 127.0.0.1, and fails the test at teardown if anything of
the kind happened. Journeys through new pages need only these two fixtures.
"""

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from campaigns import outbox
from campaigns.extensions import db
from campaigns.services import demo
from tests.browser.helpers import (
    DESKTOP,
    HOST,
    Browsing,
    LiveServer,
    save_screenshot,
)
from tests.conftest import Mailbox, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _load_demo(app: Flask) -> None:
    with app.app_context():
        for step in demo.steps():
            step()
        demo.finish()


def _start_mail_worker(app: Flask, stop: threading.Event) -> threading.Thread:
    def work() -> None:
        with app.app_context():
            outbox.run_worker(should_stop=stop.is_set)
            db.session.remove()

    thread = threading.Thread(target=work, name="mail-worker", daemon=True)
    thread.start()
    return thread


@pytest.fixture
def live_server(
    make_app: Callable[..., Flask], smtp_server: Mailbox
) -> Iterator[LiveServer]:
    """The real app with the demo content, served on 127.0.0.1, delivering real mail."""
    port = free_port()
    app = make_app(
        SERVER_NAME=f"{HOST}:{port}",
        MAIL_SERVER=smtp_server.host,
        MAIL_PORT=smtp_server.port,
        MAIL_SUPPRESS_SEND=False,
    )
    _load_demo(app)
    server = make_server(HOST, port, app, threaded=True)
    serving = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server"
    )
    serving.start()
    stop = threading.Event()
    worker = _start_mail_worker(app, stop)
    yield LiveServer(app, f"http://{HOST}:{port}", smtp_server)
    stop.set()
    server.shutdown()
    server.server_close()
    serving.join(timeout=5)
    worker.join(timeout=5)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, launched once per test session (never skipped if missing)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's 'chromium' "
            "package (sudo apt-get install chromium, or run `make test` as root)."
        )
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Remember whether a test failed, so its pages can be saved for a person to see."""
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


def _save_failed_pages(browsing: Browsing, test_name: str) -> None:
    pages = [page for context in browsing.contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        save_screenshot(page, f"failed/{test_name}-{number}")


@pytest.fixture
def browse(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[Browsing]:
    """Open watched pages with `browse.new_page(PHONE)`; any problem fails the test.

    It closes its pages before the live server stops, so none loses a request.
    """
    browsing = Browsing(browser)
    yield browsing
    if request.node.stash.get(FAILED, False):
        _save_failed_pages(browsing, request.node.name)
    problems = browsing.close()
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)


@pytest.fixture
def page(browse: Browsing) -> Page:
    """One watched desktop page."""
    return browse.new_page(DESKTOP)
