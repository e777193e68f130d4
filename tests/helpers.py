"""Helpers the tests share: filling in the sign form as a browser would."""

import re

from flask.testing import FlaskClient

SIGNER = {
    "full_name": "Ana Flores",
    "email": "ana@example.org",
    "country": "SV",
    "comment": "",
}


def form_token(client: FlaskClient, slug: str) -> str:
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    match = re.search(r'name="form_token"[^>]*value="([^"]+)"', page)
    assert match, "the campaign page has no sign form"
    return match.group(1)


def sign(client: FlaskClient, slug: str, **fields: str):
    data = SIGNER | {"form_token": form_token(client, slug)} | fields
    return client.post(f"/c/{slug}/sign", data=data)


def csrf_token(client: FlaskClient, path: str) -> str:
    """The session CSRF token from a page's form, as a browser would submit it."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(
    client: FlaskClient, path: str, data: dict | None = None, page: str | None = None
):
    """Submit a form on `page` (default: `path`) with its CSRF token."""
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def login(client: FlaskClient, email: str, password: str):
    """Log in through the real login form."""
    return post_form(client, "/organize/login", {"email": email, "password": password})
