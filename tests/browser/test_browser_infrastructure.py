"""The browser fixtures themselves: they must catch what the journeys rely on."""

import pytest

from tests.browser.helpers import Browsing, axe_violations

pytestmark = pytest.mark.browser


def test_live_server_serves_the_app_on_loopback(page, live_server):
    response = page.goto(live_server("/"))
    assert response.status == 200
    assert live_server.url.startswith("http://127.0.0.1:")
    assert page.get_by_role("heading", level=1).is_visible()


def test_watch_records_requests_leaving_loopback_and_blocks_them(browser, live_server):
    browsing = Browsing(browser)
    # The app's CSP would stop this fetch first; the guard must hold on its own too.
    page = browsing.new_page(bypass_csp=True)
    page.goto(live_server("/"))
    outcome = page.evaluate(
        "fetch('https://cdn.example.org/lib.js').then(() => 'loaded', () => 'blocked')"
    )
    problems = browsing.close()
    assert outcome == "blocked"
    assert "request left 127.0.0.1: https://cdn.example.org/lib.js" in problems


def test_watch_records_console_errors_page_errors_and_http_errors(browser, live_server):
    browsing = Browsing(browser)
    page = browsing.new_page()
    page.goto(live_server("/"))
    page.evaluate("console.error('something broke')")
    page.evaluate("setTimeout(() => { throw new Error('uncaught'); })")
    page.evaluate("fetch('/no-such-page')")
    page.wait_for_timeout(200)
    problems = "\n".join(browsing.close())
    assert "console error: something broke" in problems
    assert "JS error: uncaught" in problems
    assert f"HTTP 404: {live_server('/no-such-page')}" in problems


def test_axe_reports_serious_violations(page, live_server):
    page.goto(live_server("/"))
    page.evaluate(
        """() => {
            const image = document.createElement("img");
            image.src = "/static/favicon.svg";
            document.querySelector("main").append(image);
        }"""
    )
    found = {v["id"] for v in axe_violations(page)}
    assert "image-alt" in found
