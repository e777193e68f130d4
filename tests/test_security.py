"""Security headers, cookies, body size, and email header injection."""

import re

import pytest
from sqlalchemy import func, select

from campaigns import outbox, security, tokens
from campaigns.extensions import db
from campaigns.models import OutboxMessage, Signature
from tests.conftest import make_test_app
from tests.helpers import outbox_contents, sign


@pytest.fixture
def campaign(app, make_campaign):
    with app.app_context():
        make_campaign()


def _public_pages(app) -> list[str]:
    with app.app_context():
        confirm = tokens.make_confirm_token("an-example-public-id")
        withdraw = tokens.make_withdraw_token("an-example-public-id")
        data = tokens.make_signer_data_token("ana@example.org")
    return [
        "/",
        "/c/fair-pay",
        "/c/fair-pay/check-email",
        "/news",
        "/privacy",
        f"/s/confirm/{confirm}",
        f"/s/withdraw/{withdraw}",
        f"/my-data/{data}",
        "/s/confirm/garbage",
        "/no-such-page",
    ]


@pytest.mark.usefixtures("campaign")
def test_every_page_sends_the_security_headers(app, client):
    sign(client, "fair-pay")
    for path in _public_pages(app):
        response = client.get(path)
        headers = response.headers
        assert headers["Content-Security-Policy"] == security.CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in headers  # plain HTTP here


@pytest.mark.usefixtures("campaign")
def test_no_page_has_inline_script_or_style(app, client):
    sign(client, "fair-pay", full_name="<script>alert(1)</script> X")
    for path in _public_pages(app):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert "<style" not in html, path


def test_hsts_only_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_proxy_count_trusts_forwarded_proto_and_address(tmp_path):
    app = make_test_app(tmp_path, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    response = app.test_client().get(
        "/privacy",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"},
    )
    assert "Strict-Transport-Security" in response.headers
    untrusting = make_test_app(tmp_path / "b").test_client()
    response = untrusting.get("/privacy", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_embeddable_views_may_be_framed(app):
    view = security.embeddable(lambda: "widget")
    app.add_url_rule("/embed-test", "embed_test", view)
    response = app.test_client().get("/embed-test")
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


def test_session_cookie_flags(app, client):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    client.get("/privacy")  # the data-link form puts a CSRF token in the session
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_session_cookie_is_secure_outside_debug_and_testing(tmp_path):
    production = make_test_app(tmp_path, TESTING=False)
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    response = production.test_client().get("/privacy", base_url="https://localhost")
    [session] = [
        cookie
        for cookie in response.headers.getlist("Set-Cookie")
        if cookie.startswith("session=")
    ]
    assert "Secure" in session
    assert "HttpOnly" in session
    assert "SameSite=Lax" in session
    assert make_test_app(tmp_path / "t").config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.usefixtures("campaign")
def test_too_large_body_gets_a_clean_413_and_stores_nothing(app, client):
    big = "x" * (10 * 1024 * 1024)
    response = client.post(
        "/c/fair-pay/sign", data={"full_name": big, "email": "ana@example.org"}
    )
    assert response.status_code == 413
    assert "larger than we accept" in response.get_data(as_text=True)
    raw = client.post(
        "/privacy/my-data", data=big, content_type="application/octet-stream"
    )
    assert raw.status_code in {400, 413}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 0


# --- Email header injection ---------------------------------------------------

INJECTIONS = [
    "Fair pay\r\nBcc: victim@example.net",
    "Fair pay\nContent-Type: text/html\n\n<h1>spam</h1>",
    "Fair pay\u2028Bcc: victim@example.net",
    "Fair pay\x85Bcc: victim@example.net",
    "Fair pay\rX-Injected: yes",
]


@pytest.mark.parametrize("title", INJECTIONS)
def test_newlines_in_subjects_and_names_cannot_add_headers(
    mail_app, client, smtp_server, make_campaign, title
):
    with mail_app.app_context():
        make_campaign(title=title)
    response = sign(client, "fair-pay", full_name="Ana\r\nBcc: victim@example.net")
    assert response.status_code == 303
    with mail_app.app_context():
        assert outbox.run_worker(once=True) == 1
        [content] = outbox_contents()
        subject = content.subject
    assert not re.search(r"[\r\n\x85\u2028]", subject)
    [message] = smtp_server.messages
    assert message["Bcc"] is None
    assert message["X-Injected"] is None
    assert message["To"] == "ana@example.org"
    assert " ".join(
        message["Subject"].split()
    ) == "Please confirm your signature: " + " ".join(title.split())
    assert message["Content-Type"].startswith("multipart/")
    assert smtp_server.to("victim@example.net") == []


@pytest.mark.parametrize(
    "email",
    [
        "ana@example.org\r\nBcc: victim@example.net",
        "ana@example.org\nCc: victim@example.net",
        "ana@example.org, victim@example.net",
        '"ana\r\n"@example.org',
    ],
)
def test_addresses_with_newlines_or_lists_are_refused(app, client, campaign, email):
    response = sign(client, "fair-pay", email=email)
    assert response.status_code == 422
    assert "Please enter a valid email address." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.usefixtures("campaign")
def test_null_characters_are_refused_with_a_clear_message(app, client):
    for response in (
        client.get("/c/fair%00pay"),
        client.get("/news?page=1%00"),
        client.post("/c/fair-pay/sign", data={"comment": "a\x00b"}),
    ):
        assert response.status_code == 400
        assert "null character" in response.get_data(as_text=True)
