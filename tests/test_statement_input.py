"""Hostile and broken input to the statement form: a message or safe display."""

import pytest
from sqlalchemy import func, select

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import Campaign, CampaignStatus, OutboxMessage, Statement
from campaigns.services import statements
from tests.conftest import login_as
from tests.helpers import csv_rows, form_token, send_statement, statement_form_token

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
# "We want" in Persian: the zero-width non-joiner (U+200C) in it must survive.
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u06cc\u0645"


def _stored(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Statement.id))),
            db.session.scalar(select(func.count(OutboxMessage.id))),
        )


def _approve_all(app) -> None:
    with app.app_context():
        for statement in db.session.scalars(select(Statement)):
            statement.confirmed_at = statement.approved_at = utcnow()
        db.session.commit()


@pytest.fixture
def campaign(app, make_campaign) -> None:
    with app.app_context():
        make_campaign()


def test_markup_is_shown_as_text_everywhere(app, client, campaign, make_organizer):
    response = send_statement(
        client,
        "fair-pay",
        author_name=SCRIPT,
        role='"><svg onload=alert(1)>',
        organisation=IMG,
        on_behalf="y",
        publish="y",
        body=f"{SCRIPT}\n**bold** [link](javascript:alert(1))\n<b>hi</b>",
    )
    assert response.status_code == 303
    _approve_all(app)
    with app.app_context():
        session_id = make_organizer(is_admin=True).get_id()
    login_as(client, session_id)
    for path in (
        "/c/fair-pay",
        "/c/fair-pay/statements",
        "/c/fair-pay/statements/1",
        "/organize/campaigns/fair-pay/statements?show=approved",
        "/organize/campaigns/fair-pay/statements/1/edit",
    ):
        page = client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, path
        assert SCRIPT not in page
        for raw in (IMG, "<svg", "<b>hi", "<strong>bold", 'href="javascript:'):
            assert raw not in page, (path, raw)
    permalink = client.get("/c/fair-pay/statements/1").get_data(as_text=True)
    assert "**bold** [link](javascript:alert(1))" in permalink


def test_export_neutralises_formulas(app, client, campaign, make_organizer):
    send_statement(
        client,
        "fair-pay",
        author_name='=HYPERLINK("http://evil.example","x")',
        role="-2+3",
        organisation="+SUM(A1)",
        body="@cmd|' /C calc'!A0",
        publish="y",
    )
    _approve_all(app)
    with app.app_context():
        session_id = make_organizer(is_admin=True).get_id()
    login_as(client, session_id)
    text = client.get("/organize/campaigns/fair-pay/statements.csv").get_data(
        as_text=True
    )
    header, row = csv_rows(text)
    record = dict(zip(header, row, strict=True))
    assert record["Name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert record["Role"] == "'-2+3"
    assert record["Organisation"] == "'+SUM(A1)"
    assert record["Statement"] == "'@cmd|' /C calc'!A0"
    assert record["Shown publicly as"].startswith("'=HYPERLINK")
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_direction_overrides_and_invisible_characters_are_removed(
    app, client, campaign
):
    send_statement(
        client,
        "fair-pay",
        author_name="Rosa\u202e gnp.exe\u202c\u200b",
        body="Solidarity\u2066 \u200bforever\ufeff\r\n\r\n\r\n\r\n" + PERSIAN,
        publish="y",
    )
    with app.app_context():
        statement = db.session.get(Statement, 1)
        assert statement.author_name == "Rosa gnp.exe"
        assert statement.body == "Solidarity forever\n\n" + PERSIAN
    _approve_all(app)
    page = client.get("/c/fair-pay/statements/1").get_data(as_text=True)
    assert "<bdi>Rosa gnp.exe</bdi>" in page
    assert '<div class="statement-text" dir="auto">' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": ""}, "Please write your statement."),
        ({"body": " \u200b\u202e\n\t\n"}, "Please write your statement."),
        ({"author_name": "\u200b\u2066"}, "Please enter your name."),
        ({"email": "not an address"}, "Please enter a valid email address."),
        ({"email": "a@b.c\r\nBcc: x@y.z"}, "Please enter a valid email address."),
        ({"country": "XX"}, "Please choose your country from the list."),
        ({"body": "é" * 2001}, "2,000 characters or fewer (it has 2,001)"),
        ({"organisation": "o" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(
    app, client, campaign, fields, message
):
    response = send_statement(client, "fair-pay", **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored(app) == (0, 0)


def test_longest_statement_is_accepted(app, client, campaign):
    assert send_statement(client, "fair-pay", body="✊" * 2000).status_code == 303
    assert _stored(app) == (1, 1)


@pytest.mark.parametrize(
    ("size", "status", "message"),
    [
        (600 * 1024, 422, "(it has 614,400)"),
        (1024 * 1024, 413, "That was too much data"),
        (2 * 1024 * 1024, 413, "That was too much data"),
    ],
)
def test_huge_bodies_get_a_clean_answer(app, client, campaign, size, status, message):
    response = send_statement(client, "fair-pay", body="x" * size)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert message in page
    assert "Traceback" not in page
    assert _stored(app) == (0, 0)


def test_stale_or_foreign_form_token_is_refused(app, client, campaign):
    for token in ("garbage", form_token(client, "fair-pay")):
        response = send_statement(client, "fair-pay", token=token)
        assert response.status_code == 400
        assert "This form had expired" in response.get_data(as_text=True)
    assert _stored(app) == (0, 0)


def test_form_token_of_another_campaign_is_refused(app, client, make_campaign):
    with app.app_context():
        make_campaign()
        make_campaign(slug="other", title="Other")
    token = statement_form_token(client, "other")
    assert send_statement(client, "fair-pay", token=token).status_code == 400
    assert _stored(app) == (0, 0)


def test_closed_campaign_takes_no_statements(app, client, campaign):
    token = statement_form_token(client, "fair-pay")
    with app.app_context():
        closed = db.session.scalar(select(Campaign))
        closed.status, closed.closed_at = CampaignStatus.CLOSED, utcnow()
        db.session.commit()
    assert "statement-form_token" not in client.get("/c/fair-pay").get_data(
        as_text=True
    )
    response = send_statement(client, "fair-pay", token=token)
    assert response.status_code == 409
    assert "not taking statements" in response.get_data(as_text=True)
    assert _stored(app) == (0, 0)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("route", ["/st/confirm/", "/st/withdraw/"])
def test_broken_links_get_a_message(client, campaign, route, method):
    response = getattr(client, method)(route + "not-a-token")
    assert response.status_code == 400
    assert "This link does not work" in response.get_data(as_text=True)


def test_unknown_statement_pages_are_404(app, client, campaign):
    with app.app_context():
        statement = statements.submit(
            db.session.scalar(select(Campaign)),
            statements.AuthorDetails(
                author_name="A", email="a@example.org", country="IT", body="Hi"
            ),
        )
        assert statement is not None
    assert client.get("/c/fair-pay/statements/1").status_code == 404  # unapproved
    assert client.get("/c/fair-pay/statements/99").status_code == 404
    assert client.get("/c/nope/statements").status_code == 404
