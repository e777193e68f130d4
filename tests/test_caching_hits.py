"""Cache hits are answered in front of Flask, with every header of the stored answer."""

from collections.abc import Callable

import pytest
from flask import Flask, request, session

from campaigns import security
from campaigns.caching import public_page
from campaigns.models import Campaign

PAGE = "/c/fair-pay"
TALLY = PAGE + "/tally.json"


@pytest.fixture
def cached_app(
    make_app: Callable[..., Flask], make_campaign: Callable[..., Campaign]
) -> Flask:
    app = make_app(PAGE_CACHE_SECONDS=60, TALLY_CACHE_SECONDS=60)
    with app.app_context():
        make_campaign()
    return app


@pytest.fixture
def handled(cached_app: Flask) -> list[str]:
    """The paths Flask itself handled (a before_request hook saw them)."""
    seen: list[str] = []
    cached_app.before_request(lambda: seen.append(request.path))
    return seen


def test_hit_skips_flask_and_replays_every_header(
    cached_app: Flask, handled: list[str]
):
    client = cached_app.test_client()
    first = client.get(PAGE)
    second = client.get(PAGE)
    assert handled == [PAGE]
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert sorted(second.headers.items()) == sorted(first.headers.items())
    assert second.headers["Content-Security-Policy"] == (
        security.CONTENT_SECURITY_POLICY
    )
    assert second.headers["X-Frame-Options"] == "DENY"
    assert second.headers["Content-Length"] == str(len(second.get_data()))
    assert "Set-Cookie" not in second.headers


def test_revalidation_on_a_miss_stores_the_page_and_answers_304(
    cached_app: Flask, handled: list[str]
):
    # The tally, not the page: a page rendered in another second carries another
    # form token, so its ETag would differ.
    client = cached_app.test_client()
    etag = cached_app.test_client().get(TALLY).headers["ETag"]
    cached_app.extensions["page_cache"].clear()
    revalidated = client.get(TALLY, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.get_data() == b""
    assert "Content-Length" not in revalidated.headers
    assert revalidated.headers["ETag"] == etag
    assert revalidated.headers["Content-Security-Policy"]
    assert client.get(TALLY).status_code == 200
    assert handled == [TALLY, TALLY]  # the 304 miss filled the cache for the next


def test_head_answers_without_body_and_never_fills_the_cache(
    cached_app: Flask, handled: list[str]
):
    client = cached_app.test_client()
    head = client.head(PAGE)
    assert head.status_code == 200
    assert head.get_data() == b""
    page = client.get(PAGE)
    assert len(page.get_data()) == int(head.headers["Content-Length"]) > 1000
    hit = client.head(PAGE)
    assert hit.get_data() == b""
    assert sorted(hit.headers.items()) == sorted(page.headers.items())
    assert handled == [PAGE, PAGE]


def test_https_and_http_are_kept_apart(cached_app: Flask):
    client = cached_app.test_client()
    assert (
        "Strict-Transport-Security"
        in client.get(PAGE, base_url="https://localhost").headers
    )
    assert "Strict-Transport-Security" not in client.get(PAGE).headers


def test_cache_keys_on_the_scheme_the_proxy_reports(make_app: Callable[..., Flask]):
    app = make_app(PAGE_CACHE_SECONDS=60, PROXY_FIX_X_PROTO=1)
    client = app.test_client()
    behind_tls = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in behind_tls.headers
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_one_entry_per_language_not_per_header(cached_app: Flask, handled: list[str]):
    cached_app.config["LANGUAGES"] = ("en", "es")
    client = cached_app.test_client()
    for accept in ("en", "en-GB,en;q=0.9", "es-SV,es;q=0.8", "es"):
        assert client.get(PAGE, headers={"Accept-Language": accept}).status_code == 200
    assert handled == [PAGE, PAGE]


def test_other_cookies_still_get_the_cached_page(cached_app: Flask, handled: list[str]):
    client = cached_app.test_client()
    client.get(PAGE)
    client.set_cookie("theme", "dark")
    assert client.get(PAGE).status_code == 200
    assert handled == [PAGE]


def test_answer_that_sets_a_cookie_is_never_replayed(make_app: Callable[..., Flask]):
    app = make_app(PAGE_CACHE_SECONDS=60)

    @app.get("/_remembers")
    @public_page()
    def remembers() -> str:
        session["seen"] = True
        return "hello"

    client = app.test_client(use_cookies=False)
    first = client.get("/_remembers")
    assert "Set-Cookie" in first.headers
    again = client.get("/_remembers")
    assert "Set-Cookie" in again.headers  # rendered afresh, not a stored copy
    assert app.extensions["page_cache"] == {}


def test_writes_and_errors_pass_through_untouched(
    cached_app: Flask, handled: list[str]
):
    client = cached_app.test_client()
    for _ in range(2):
        assert client.get("/c/no-such-campaign").status_code == 404
    assert client.post(PAGE + "/sign", data={}).status_code in (400, 422)
    assert cached_app.extensions["page_cache"] == {}
    assert len(handled) == 3
