"""Cheap anonymous pages: shared-cache headers, ETag/304, a brief per-process cache.

Every reader of a campaign, news or tally page sees the same bytes, so each app process
keeps the last rendering of such a page for a few seconds (keyed by host, path, query
and language), and tells browsers and shared caches (nginx, a CDN) that they may keep
it for a few seconds more. Nothing is invalidated by hand: an entry simply expires, so
two app servers never disagree for longer than the configured lifetime.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import ParamSpec

from flask import Flask, Response, current_app, make_response, request
from flask.typing import ResponseReturnValue

P = ParamSpec("P")
CACHE_KEY = "page_cache"
MAX_ENTRIES = 512  # a campaign page is ~20-30 kB: at most ~15 MB per process
# Never replayed to another visitor; the length is recomputed.
UNSHARED_HEADERS = frozenset({"set-cookie", "content-length"})


@dataclass(frozen=True)
class CachedPage:
    """One rendered page with its final headers, kept until `expires` (monotonic)."""

    expires: float
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str


def _store(app: Flask) -> dict[tuple[str, ...], CachedPage]:
    return app.extensions[CACHE_KEY]


def _is_anonymous_read() -> bool:
    """Only GET/HEAD without a session cookie is served alike to everyone."""
    cookie = current_app.config["SESSION_COOKIE_NAME"]
    return request.method in ("GET", "HEAD") and cookie not in request.cookies


def _key() -> tuple[str, ...]:
    # Babel's locale selector, not get_locale(): the name of the language is all the
    # key needs, and parsing it into a Locale on every hit costs a file lookup.
    language = current_app.extensions["babel"].locale_selector()
    return (request.host, request.full_path, str(language or ""))


def _snapshot(response: Response, seconds: float, max_age: int) -> CachedPage:
    """Freeze a response with its shared-cache headers, so a hit does no work."""
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.vary.add("Accept-Language")
    response.add_etag()
    return CachedPage(
        expires=time.monotonic() + seconds,
        body=response.get_data(),
        headers=tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSHARED_HEADERS
        ),
        etag=response.get_etag()[0] or "",
    )


def _remember(key: tuple[str, ...], page: CachedPage) -> None:
    store = _store(current_app)
    if len(store) >= MAX_ENTRIES:
        store.clear()  # many distinct URLs within seconds: start afresh, stay small
    store[key] = page


def _serve(page: CachedPage) -> Response:
    """The page, or 304 Not Modified if the client already holds this version."""
    if page.etag in request.if_none_match:
        return Response(status=304, headers=list(page.headers))
    return Response(page.body, headers=list(page.headers))


def _fresh_or_cached(
    view: Callable[..., ResponseReturnValue],
    args: tuple,
    kwargs: dict,
    lifetimes: tuple[float, int],
) -> Response:
    key = _key()
    page = _store(current_app).get(key)
    if page is None or page.expires <= time.monotonic():
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200:
            return response
        page = _snapshot(response, *lifetimes)
        if lifetimes[0] > 0:
            _remember(key, page)
    return _serve(page)


def public_page(
    server_seconds: str = "PAGE_CACHE_SECONDS", max_age: str = "PAGE_MAX_AGE"
) -> Callable[[Callable[P, ResponseReturnValue]], Callable[P, ResponseReturnValue]]:
    """Serve an anonymous GET view from the brief cache, with shared-cache headers.

    The arguments name the config keys holding the server-side lifetime and the
    Cache-Control max-age, in seconds. Requests carrying a session cookie (organizers)
    and error responses are rendered afresh and never stored.
    """

    def decorate(
        view: Callable[P, ResponseReturnValue],
    ) -> Callable[P, ResponseReturnValue]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            if not _is_anonymous_read():
                return view(*args, **kwargs)
            config = current_app.config
            lifetimes = (config[server_seconds], config[max_age])
            return _fresh_or_cached(view, args, kwargs, lifetimes)

        return wrapper

    return decorate


def _no_store_for_writes(response: Response) -> Response:
    """Answers to POSTs (a form with its errors, say) must never be kept by a cache."""
    is_write = request.method not in ("GET", "HEAD")
    if is_write and "Cache-Control" not in response.headers:
        response.cache_control.no_store = True
    return response


def init_app(app: Flask) -> None:
    """Give the app its own page cache and the no-store rule for POST answers."""
    app.extensions[CACHE_KEY] = {}
    app.after_request(_no_store_for_writes)
