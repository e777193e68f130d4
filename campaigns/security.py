"""Security headers on every response, cookie flags, and the trusted-proxy set-up."""

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, current_app, request
from flask.wrappers import Response
from flask_babel import gettext as _

F = TypeVar("F", bound=Callable[..., object])

# No inline script or style anywhere: everything comes from static/ on our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_EMBEDDABLE = "_campaigns_embeddable"


def embeddable(view: F) -> F:
    """Mark a view (such as a future embed widget) as one other sites may frame."""
    setattr(view, _EMBEDDABLE, True)
    return view


def _is_embeddable() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, _EMBEDDABLE, False))


def add_security_headers(response: Response) -> Response:
    """Set CSP, framing, referrer, sniffing and (over HTTPS) HSTS headers."""
    policy = CONTENT_SECURITY_POLICY
    if _is_embeddable():
        policy = policy.replace("frame-ancestors 'none'", "frame-ancestors *")
    else:
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", policy)
    # Which campaign someone read is nobody else's business: no cross-site Referer.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault(
        "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
    )
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security",
            f"max-age={current_app.config['HSTS_MAX_AGE']}; includeSubDomains",
        )
    return response


def _request_texts() -> list[str]:
    texts = [request.path]
    sources = [request.args]
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        sources.append(request.form)
    for source in sources:
        for key, values in source.lists():
            texts.append(key)
            texts.extend(values)
    return texts


def refuse_null_characters() -> None:
    """Answer 400 to a NUL anywhere in the path, query or form: nobody types one,
    and PostgreSQL cannot store or even compare text holding one."""
    if any("\x00" in text for text in _request_texts()):
        abort(
            400, _("Your request contained a null character, which we cannot accept.")
        )


def _secure_cookies(app: Flask) -> None:
    """Cookies travel over HTTPS only, except in local debugging and in tests."""
    secure = not (app.debug or app.testing)
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        app.config[name] = bool(app.config.get(name)) or secure


def init_app(app: Flask) -> None:
    """Wire the headers and the cookie flags."""
    _secure_cookies(app)
    app.before_request(refuse_null_characters)
    app.after_request(add_security_headers)
