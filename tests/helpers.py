"""Helpers the tests share: filling in forms as a browser would."""

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


AUTHOR = {
    "author_name": "Rosa Aguilar",
    "role": "Branch secretary",
    "organisation": "Bakers' Union Local 7",
    "country": "IT",
    "body": "We stand with the Florenzi workers.\nPay them now.",
    "email": "rosa@example.org",
}


def statement_form_token(client: FlaskClient, slug: str) -> str:
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    match = re.search(r'name="statement-form_token"[^>]*value="([^"]+)"', page)
    assert match, "the campaign page has no statement form"
    return match.group(1)


def send_statement(client: FlaskClient, slug: str, token: str | None = None, **fields):
    """Post the statement form; `fields` use the form's names without the prefix."""
    data = AUTHOR | {"form_token": token or statement_form_token(client, slug)}
    data |= fields
    posted = {f"statement-{name}": value for name, value in data.items() if value}
    return client.post(f"/c/{slug}/statements", data=posted)


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
