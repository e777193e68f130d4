"""IP addresses, never stored as such: a keyed hash that only this site can compute."""

import hashlib
import hmac

from flask import current_app

_KEY_LABEL = b"campaigns: ip address hash key"


def _key() -> bytes:
    """A key of its own, derived from SECRET_KEY: the hash is useless elsewhere."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()


def hash_ip(address: str | None) -> str | None:
    """Return the keyed hash of an IP address (None for none).

    Without the key, nobody can test a guessed address against a stored hash.
    """
    if not address:
        return None
    return hmac.new(_key(), address.encode(), hashlib.sha256).hexdigest()[:32]
