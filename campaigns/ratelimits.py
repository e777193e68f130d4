"""Rate limits: per IP and per campaign on signing, per address on resends, on login.

The limit values live in config so that operators can tune them; the store is
RATELIMIT_STORAGE_URI (memory by default; Redis or Memcached for several servers).
"""

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import parse_many

from campaigns.extensions import limiter

F = TypeVar("F", bound=Callable[..., object])


def _config(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def message() -> str:
    """The friendly text of a 429 page."""
    return _(
        "You have done this too many times in a short while. "
        "Please wait a few minutes and try again."
    )


def _campaign_key() -> str:
    return "campaign:" + str((request.view_args or {}).get("slug", ""))


def signing_limits(view: F) -> F:
    """Limit a signing route (signature or statement) per IP and per campaign slug."""
    per_ip = limiter.limit(
        _config("SIGN_RATE_LIMIT_PER_IP"),
        key_func=get_remote_address,
        methods=["POST"],
        error_message=message,
        scope="sign-ip",
    )
    per_campaign = limiter.limit(
        _config("SIGN_RATE_LIMIT_PER_CAMPAIGN"),
        key_func=_campaign_key,
        methods=["POST"],
        error_message=message,
        scope="sign-campaign",
    )
    return per_ip(per_campaign(view))  # type: ignore[return-value]


def login_limit(view: F) -> F:
    """Limit a login route per IP with LOGIN_RATE_LIMIT (only POSTs count)."""
    return limiter.limit(  # type: ignore[return-value]
        _config("LOGIN_RATE_LIMIT"),
        key_func=get_remote_address,
        methods=["POST"],
        error_message=message,
        scope="login",
    )(view)


def ip_limit(config_name: str) -> Callable[[F], F]:
    """Limit a route's POSTs per IP with the limit string in config `config_name`."""

    def decorate(view: F) -> F:
        return limiter.limit(  # type: ignore[return-value]
            _config(config_name),
            key_func=get_remote_address,
            methods=["POST"],
            error_message=message,
            scope=config_name.lower(),
        )(view)

    return decorate


def allow(config_name: str, key: str) -> bool:
    """Count one hit on `key` against the limits in config `config_name`.

    Returns False once any of those limits is used up (for limits on things that are
    not the request itself, such as one email address).
    """
    if not limiter.enabled:
        return True
    items = parse_many(current_app.config[config_name])
    return all(limiter.limiter.hit(item, config_name.lower(), key) for item in items)
