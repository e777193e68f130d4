"""Rate limits: per IP and per campaign on signing, per address on resends, on login."""

import pytest
from limits.errors import ConfigurationError
from sqlalchemy import func, select

from campaigns import tokens
from campaigns.extensions import db, limiter
from campaigns.models import OutboxMessage, Signature
from tests.conftest import make_test_app
from tests.helpers import post_form, public_id, send_statement, sign


@pytest.fixture
def limited_app(make_app, make_campaign):
    app = make_app(
        RATELIMIT_ENABLED=True,
        SIGN_RATE_LIMIT_PER_IP="3 per minute",
        SIGN_RATE_LIMIT_PER_CAMPAIGN="5 per minute",
        RESEND_RATE_LIMIT_PER_ADDRESS="2 per hour",
        LOGIN_RATE_LIMIT="2 per minute",
        DATA_LINK_RATE_LIMIT="1 per hour",
    )
    with app.app_context():
        make_campaign()
        make_campaign(slug="other", title="Other")
    return app


def _signatures(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Signature))


def _from(client, ip: str):
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_signing_is_limited_per_ip_with_a_friendly_page(limited_app):
    client = _from(limited_app.test_client(), "192.0.2.1")
    for n in range(3):
        assert sign(client, "fair-pay", email=f"p{n}@example.org").status_code == 303
    blocked = sign(client, "fair-pay", email="p9@example.org")
    assert blocked.status_code == 429
    text = blocked.get_data(as_text=True)
    assert "Too many requests" in text
    assert "Please wait a few minutes and try again." in text
    assert int(blocked.headers["Retry-After"]) > 0
    assert _signatures(limited_app) == 3
    # Reading the campaign is never limited; another address may still sign.
    assert client.get("/c/fair-pay").status_code == 200
    other = _from(limited_app.test_client(), "192.0.2.2")
    assert sign(other, "fair-pay", email="q@example.org").status_code == 303


def test_signing_is_limited_per_campaign(limited_app):
    for n in range(5):
        client = _from(limited_app.test_client(), f"192.0.2.{n}")
        assert sign(client, "fair-pay", email=f"p{n}@example.org").status_code == 303
    client = _from(limited_app.test_client(), "192.0.2.50")
    assert sign(client, "fair-pay", email="late@example.org").status_code == 429
    assert sign(client, "other", email="late@example.org").status_code == 303


def test_resending_is_limited_per_address(limited_app):
    client = _from(limited_app.test_client(), "192.0.2.1")
    sign(client, "fair-pay")
    with limited_app.app_context():
        token = tokens.make_confirm_token(public_id(1))
    codes = [client.post(f"/s/new-link/{token}").status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    # Another IP does not get around a limit that follows the address.
    other = _from(limited_app.test_client(), "192.0.2.2")
    assert other.post(f"/s/new-link/{token}").status_code == 429
    with limited_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_login_is_limited_per_ip(limited_app):
    client = _from(limited_app.test_client(), "192.0.2.1")
    attempt = {"email": "who@example.org", "password": "wrong password"}
    codes = [
        post_form(client, "/organize/login", attempt).status_code for _ in range(3)
    ]
    assert codes == [401, 401, 429]
    assert client.get("/organize/login").status_code == 200  # reading is not limited
    other = _from(limited_app.test_client(), "192.0.2.2")
    assert post_form(other, "/organize/login", attempt).status_code == 401


def test_statements_are_limited_like_signatures(limited_app):
    client = _from(limited_app.test_client(), "192.0.2.1")
    codes = [
        send_statement(client, "fair-pay", email=f"s{n}@example.org").status_code
        for n in range(4)
    ]
    assert codes[-1] == 429
    assert all(code != 429 for code in codes[:-1])


def test_limits_stay_on_for_an_app_configured_after_a_disabled_one(app, tmp_path):
    assert limiter.enabled is False  # the default test app turns limits off
    enabled = make_test_app(tmp_path / "second", RATELIMIT_ENABLED=True)
    assert limiter.enabled is True
    assert enabled.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert type(limiter.storage).__name__ == "MemoryStorage"


def test_storage_is_configurable(tmp_path):
    make_test_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    assert type(limiter.storage).__name__ == "MemoryStorage"
    with pytest.raises(ConfigurationError, match="unknown storage scheme"):
        make_test_app(
            tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="nonsense://x"
        )
