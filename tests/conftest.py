"""Shared fixtures: the app on a real database, a real SMTP server, data factories."""

import os
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from campaigns import create_app
from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import Campaign, CampaignStatus, Organizer

# Set CAMPAIGNS_TEST_DATABASE_URI (e.g. postgresql+psycopg://...) to run on PostgreSQL.
TEST_DATABASE_URI = os.environ.get("CAMPAIGNS_TEST_DATABASE_URI")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_uri(tmp_path: Path) -> str:
    return TEST_DATABASE_URI or f"sqlite:///{tmp_path / 'test.sqlite3'}"


def make_test_app(tmp_path: Path, **config: object) -> Flask:
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SERVER_NAME": "localhost",
        "SQLALCHEMY_DATABASE_URI": _database_uri(tmp_path),
        "MAIL_DEFAULT_SENDER": "Campaigns <campaigns@localhost>",
        "MAIL_POLL_SECONDS": 0.05,
        # Tests fill in forms at machine speed and from one address; the fraud and
        # rate-limit tests switch these protections back on where they test them.
        "SIGN_FORM_MIN_SECONDS": 0,
        "RATELIMIT_ENABLED": False,
        # Tests read their own writes at once; test_caching turns these back on.
        "PAGE_CACHE_SECONDS": 0,
        "TALLY_CACHE_SECONDS": 0,
        "COUNTRY_COUNTS_CACHE_SECONDS": 0,
    } | config
    app = create_app(settings)
    app.instance_path = str(tmp_path / "instance")
    return app


def _truncate_all() -> None:
    """Empty every table and restart its ids; far faster than dropping on PostgreSQL."""
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture(scope="session")
def _shared_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bool]:
    """On a server database, create the tables once per run; SQLite gets a file each."""
    if TEST_DATABASE_URI is None:
        yield False
        return
    schema_app = make_test_app(tmp_path_factory.mktemp("schema"))
    with schema_app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield True
    with schema_app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path: Path, _shared_schema: bool) -> Iterator[Callable[..., Flask]]:
    """Return a factory of apps with config overrides, each on an empty database."""
    made: list[Flask] = []

    def make(**config: object) -> Flask:
        folder = tmp_path / f"app{len(made)}"
        folder.mkdir()
        app = make_test_app(folder, **config)
        with app.app_context():
            if _shared_schema:
                _truncate_all()
            else:
                db.create_all()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            if not _shared_schema:
                db.drop_all()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


@dataclass
class Mailbox:
    """What the test SMTP server received."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    def links(self, message: EmailMessage) -> list[str]:
        body = message.get_body(("plain",)).get_content()
        return re.findall(r"https?://\S+", body)


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope) -> str:
        self.mailbox.messages.append(
            message_from_bytes(envelope.content, policy=policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    mailbox = Mailbox("127.0.0.1", free_port())
    controller = Controller(_Handler(mailbox), hostname=mailbox.host, port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def mail_app(app: Flask, smtp_server: Mailbox) -> Flask:
    """The app, delivering its outbox to the test SMTP server."""
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port)
    app.extensions["mail"].server = smtp_server.host
    app.extensions["mail"].port = smtp_server.port
    app.extensions["mail"].suppress = False
    return app


@pytest.fixture
def make_campaign() -> Callable[..., Campaign]:
    """Return a factory of live campaigns; call it inside an app context."""

    def make(**fields: object) -> Campaign:
        defaults = {
            "slug": "fair-pay",
            "title": "Fair pay now",
            "summary": "Pay the workers what they are owed.",
            "body": "The **workers** want their wages.",
            "target": "The owners",
            "goal": 100,
            "status": CampaignStatus.LIVE,
            "published_at": utcnow(),
        }
        campaign = Campaign(**(defaults | fields))
        db.session.add(campaign)
        db.session.commit()
        return campaign

    return make


@pytest.fixture
def make_organizer() -> Callable[..., "Organizer"]:
    """Return a factory of organizer accounts; call it inside an app context."""

    def make(email: str = "org@example.org", *, is_admin: bool = False) -> Organizer:
        organizer = Organizer(email=email, name=email.split("@")[0], is_admin=is_admin)
        db.session.add(organizer)
        db.session.commit()
        return organizer

    return make


def login_as(client: FlaskClient, organizer_session_id: str) -> None:
    """Put an organizer's session id ("<id>:<version>") into the client's session."""
    app = client.application
    with app.test_request_context(
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"User-Agent": client.environ_base.get("HTTP_USER_AGENT", "")},
    ):
        identifier = app.login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = organizer_session_id
        session["_fresh"] = True
        session["_id"] = identifier
