"""Cheap anonymous pages: shared-cache headers, ETag/304, a brief per-process cache.

Every reader of a campaign, news or tally page sees the same bytes, so each app process
keeps the last rendering of such a page for a few seconds (keyed by scheme, host, path,
query and language), and tells browsers and shared caches (nginx, a CDN) that they may
keep it for a few seconds more. Nothing is invalidated by hand: an entry simply
expires, so two app servers never disagree for longer than the configured lifetime.

A hit is answered by `PageCache`, a WSGI layer in front of Flask, with the status,
final headers (security headers included) and body of the response that filled the
entry: a reader of a cached page costs no request context, session, routing or hooks.
Views opt in with `@public_page`, which marks their answer as shareable.
"""

import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, make_response, request
from flask.typing import ResponseReturnValue
from werkzeug.http import (
    parse_cookie,
    parse_etags,
    remove_entity_headers,
    unquote_etag,
)

from campaigns.templating import best_language

P = ParamSpec("P")
T = TypeVar("T")
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

CACHE_KEY = "page_cache"
VALUES_KEY = "kept_values"
MAX_ENTRIES = 512  # a campaign page is ~20-30 kB: at most ~15 MB per process
# Where @public_page tells PageCache how long (seconds) it may keep this answer.
LIFETIME_ENVIRON_KEY = "campaigns.page_cache_seconds"


@dataclass(frozen=True)
class CachedPage:
    """One final 200 response, kept until `expires` (monotonic)."""

    expires: float
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str

    def not_modified_headers(self) -> list[tuple[str, str]]:
        """The headers of a 304 for this page: no body, so no entity headers."""
        headers = list(self.headers)
        remove_entity_headers(headers)
        return headers


def reads_anonymously(environ: dict[str, Any], session_cookie: str) -> bool:
    """Only GET/HEAD without a session cookie is served alike to everyone."""
    if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
        return False
    cookies = environ.get("HTTP_COOKIE")
    return not cookies or session_cookie not in parse_cookie(cookies)


def _etag_of(headers: Iterable[tuple[str, str]]) -> str:
    for name, value in headers:
        if name.lower() == "etag":
            return unquote_etag(value)[0] or ""
    return ""


def _freeze(
    status: str, headers: list[tuple[str, str]], body: Iterable[bytes], expires: float
) -> CachedPage:
    """Read a response's whole body and keep it with its status and headers."""
    try:
        content = b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    return CachedPage(expires, status, tuple(headers), content, _etag_of(headers))


def _refuse_write(_data: bytes) -> None:
    raise RuntimeError("PageCache wraps a Flask app, which never calls write()")


class PageCache:
    """WSGI middleware: answers fresh anonymous GET/HEAD hits before Flask runs."""

    def __init__(self, wsgi_app: WSGIApp, app: Flask) -> None:
        """Wrap `wsgi_app`, reading the language list and cookie name from `app`."""
        self.wsgi_app = wsgi_app
        self.config = app.config
        self.pages: dict[tuple[str, ...], CachedPage] = {}

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """Serve a fresh entry, or let the app answer and keep what it marked."""
        if not reads_anonymously(environ, self.config["SESSION_COOKIE_NAME"]):
            return self.wsgi_app(environ, start_response)
        key = self._key(environ)
        page = self.pages.get(key)
        if page is not None and page.expires > time.monotonic():
            return _serve(page, environ, start_response)
        return self._fill(key, environ, start_response)

    def _key(self, environ: dict[str, Any]) -> tuple[str, ...]:
        accept = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        language = best_language(accept, tuple(self.config["LANGUAGES"]))
        return (
            environ["wsgi.url_scheme"],
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            language or "",
        )

    def _fill(
        self,
        key: tuple[str, ...],
        environ: dict[str, Any],
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        answer: list[Any] = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            answer[:] = [status, headers, exc_info]
            return _refuse_write

        body = self.wsgi_app(environ, capture)
        status, headers, exc_info = answer
        seconds = environ.get(LIFETIME_ENVIRON_KEY)
        if seconds is None or not status.startswith("200 "):
            start_response(status, headers, exc_info)
            return body
        page = _freeze(status, headers, body, time.monotonic() + seconds)
        if self._may_keep(environ, page, seconds):
            if len(self.pages) >= MAX_ENTRIES:
                self.pages.clear()  # many distinct URLs within seconds: stay small
            self.pages[key] = page
        return _serve(page, environ, start_response)

    @staticmethod
    def _may_keep(environ: dict[str, Any], page: CachedPage, seconds: float) -> bool:
        # A HEAD answer has no body to replay; a cookie is never handed to another.
        sets_cookie = any(name.lower() == "set-cookie" for name, _ in page.headers)
        return seconds > 0 and environ["REQUEST_METHOD"] == "GET" and not sets_cookie


def _serve(
    page: CachedPage, environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes]:
    """The page, or 304 Not Modified if the client already holds this version."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match and parse_etags(if_none_match).contains(page.etag):
        start_response("304 NOT MODIFIED", page.not_modified_headers())
        return []
    start_response(page.status, list(page.headers))
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]


def _make_shareable(response: Response, max_age: int) -> None:
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.vary.add("Accept-Language")
    response.add_etag()


def public_page(
    server_seconds: str = "PAGE_CACHE_SECONDS", max_age: str = "PAGE_MAX_AGE"
) -> Callable[[Callable[P, ResponseReturnValue]], Callable[P, ResponseReturnValue]]:
    """Mark an anonymous GET view's 200 answers as shareable and briefly cacheable.

    The arguments name the config keys holding the server-side lifetime and the
    Cache-Control max-age, in seconds. Requests carrying a session cookie (organizers)
    and error responses get no shared-cache headers and are never stored.
    """

    def decorate(
        view: Callable[P, ResponseReturnValue],
    ) -> Callable[P, ResponseReturnValue]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            config = current_app.config
            if not reads_anonymously(request.environ, config["SESSION_COOKIE_NAME"]):
                return view(*args, **kwargs)
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200:
                _make_shareable(response, config[max_age])
                request.environ[LIFETIME_ENVIRON_KEY] = config[server_seconds]
            return response

        return wrapper

    return decorate


def kept(key: Hashable, seconds: float, compute: Callable[[], T]) -> T:
    """Return compute()'s value, reused by this process for `seconds` (0: never).

    For figures that are costly to work out and may lag by that long; the value is
    shared by every request, so it must not be changed by its users.
    """
    if seconds <= 0:
        return compute()
    store = current_app.extensions[VALUES_KEY]
    now = time.monotonic()
    entry = store.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    if len(store) >= MAX_ENTRIES:
        store.clear()
    store[key] = (now + seconds, value)
    return value


def _no_store_for_writes(response: Response) -> Response:
    """Answers to POSTs (a form with its errors, say) must never be kept by a cache."""
    is_write = request.method not in ("GET", "HEAD")
    if is_write and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"  # cheaper than cache_control
    return response


def init_app(app: Flask) -> None:
    """Put the page cache in front of the app; add the no-store rule for POSTs.

    Install it before anything that rewrites the WSGI environ (ProxyFix) wraps the
    app, so that its key sees the corrected scheme and host.
    """
    cache = PageCache(app.wsgi_app, app)
    app.wsgi_app = cache  # type: ignore[method-assign]
    app.extensions[CACHE_KEY] = cache.pages
    app.extensions[VALUES_KEY] = {}
    app.after_request(_no_store_for_writes)
