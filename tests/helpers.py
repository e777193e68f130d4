"""Helpers the tests share: filling in forms as a browser would, mail, statements."""

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaigns import emails, outbox
from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import Campaign, OutboxMessage, Signature, Statement
from campaigns.services import signing

SIGNER = {
    "full_name": "Ana Flores",
    "email": "ana@example.org",
    "country": "SV",
    "comment": "",
}


def hidden_value(client: FlaskClient, path: str, name: str) -> str:
    """The value of the hidden field `name` on the page at `path`."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(rf'name="{name}"[^>]*value="([^"]+)"', page)
    assert match, f"no {name} on {path}"
    return match.group(1)


def form_token(client: FlaskClient, slug: str) -> str:
    return hidden_value(client, f"/c/{slug}", "form_token")


def outbox_contents() -> list[emails.Content]:
    """What every outbox message says, oldest first, as the mail worker renders it."""
    messages = db.session.scalars(
        select(OutboxMessage).options(outbox.WITH_SIGNATURE).order_by(OutboxMessage.id)
    )
    return [emails.content_of(message) for message in messages]


def signed(campaign: Campaign, details: object, **options: object) -> Signature:
    """Sign through the service and load the signature it recorded."""
    signature_id = signing.sign(campaign.id, details, **options)
    return db.session.get_one(Signature, signature_id)


def public_id(signature_id: int) -> str:
    """The public id (what email links carry) of the signature with this row id."""
    return db.session.get_one(Signature, signature_id).public_id


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
    return hidden_value(client, f"/c/{slug}", "statement-form_token")


def send_statement(client: FlaskClient, slug: str, token: str | None = None, **fields):
    """Post the statement form; `fields` use the form's names without the prefix."""
    data = AUTHOR | {"form_token": token or statement_form_token(client, slug)}
    data |= fields
    posted = {f"statement-{name}": value for name, value in data.items() if value}
    return client.post(f"/c/{slug}/statements", data=posted)


def csrf_token(client: FlaskClient, path: str) -> str:
    """The session CSRF token from a page's form, as a browser would submit it."""
    return hidden_value(client, path, "csrf_token")


def post_form(
    client: FlaskClient, path: str, data: dict | None = None, page: str | None = None
):
    """Submit a form on `page` (default: `path`) with its CSRF token."""
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def login(client: FlaskClient, email: str, password: str):
    """Log in through the real login form."""
    return post_form(client, "/organize/login", {"email": email, "password": password})


def deliver(app: Flask) -> None:
    """Run the mail worker once over the outbox."""
    with app.app_context():
        outbox.run_worker(once=True)


def path_of(url: str) -> str:
    """The path of a link in an email, to open with the test client."""
    return url.replace("http://localhost", "")


def add_statement(campaign: Campaign, **fields: object) -> Statement:
    """Store a confirmed statement of support (call inside an app context)."""
    defaults = {
        "author_name": "Rosa Aguilar",
        "country": "IT",
        "body": "We stand with you.",
        "email": "rosa@example.org",
        "email_key": "rosa@example.org",
        "confirmed_at": utcnow(),
    }
    statement = Statement(campaign=campaign, **(defaults | fields))
    db.session.add(statement)
    db.session.commit()
    return statement


def csv_rows(text: str) -> list[list[str]]:
    """Parse an exported CSV, which starts with a BOM so that Excel reads UTF-8."""
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))
