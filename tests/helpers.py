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
