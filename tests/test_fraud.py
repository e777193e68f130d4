"""Fraud rules: suspects are kept, not counted, and the sender sees nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from campaigns import clock, tokens
from campaigns.extensions import db
from campaigns.models import Campaign, OutboxMessage, Signature
from campaigns.services import counting, dashboard, fraud
from tests.conftest import login_as
from tests.helpers import csrf_token, sign


def _sign_from(client, ip: str, email: str, **fields: str):
    client.environ_base["REMOTE_ADDR"] = ip
    return sign(client, "fair-pay", email=email, **fields)


def _confirm(client, app, email: str) -> str:
    with app.app_context():
        signature = db.session.scalar(select(Signature).filter_by(email=email))
        token = tokens.make_confirm_token(signature.public_id)
    return client.post(f"/s/confirm/{token}").get_data(as_text=True)


def _tally(app) -> int:
    with app.app_context():
        return counting.tally(1).count


def _suspects(app) -> dict[str, str | None]:
    with app.app_context():
        return {
            s.email: s.suspect_reason
            for s in db.session.scalars(select(Signature).order_by(Signature.id))
        }


@pytest.fixture
def campaign(app, make_campaign):
    app.config.update(FRAUD_MAX_PER_IP=3, FRAUD_MAX_PER_DOMAIN=3)
    with app.app_context():
        make_campaign()


@pytest.mark.usefixtures("campaign")
def test_burst_from_one_ip_is_suspect_while_sender_sees_success(app, client):
    for n in range(3):
        assert _sign_from(client, "203.0.113.9", f"p{n}@example.org").status_code == 303
        assert "signer number" in _confirm(client, app, f"p{n}@example.org")
    assert _tally(app) == 3

    for n in range(3, 6):
        response = _sign_from(client, "203.0.113.9", f"p{n}@example.org")
        assert response.status_code == 303  # the same redirect as anyone gets
        assert response.location.endswith("/c/fair-pay/check-email")
        page = _confirm(client, app, f"p{n}@example.org")
        assert "Thank you, your signature is confirmed" in page
        assert "signer number" in page
    # The burst holds out the whole group, including the three counted before it.
    assert _tally(app) == 0
    assert set(_suspects(app).values()) == {"ip-burst"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 6
        assert counting.recount(db.session.get(Campaign, 1)) == (0, 0)


@pytest.mark.usefixtures("campaign")
def test_burst_leaves_other_ips_counted(app, client):
    for n in range(5):
        _sign_from(client, "203.0.113.9", f"bot@bots{n}.example")
    _sign_from(client, "198.51.100.7", "ana@example.org")
    _confirm(client, app, "ana@example.org")
    assert _suspects(app)["ana@example.org"] is None
    assert _tally(app) == 1


@pytest.mark.usefixtures("campaign")
def test_burst_from_one_domain_is_suspect_but_big_providers_are_not(app, client):
    for n in range(5):
        _sign_from(client, f"192.0.2.{n}", f"p{n}@bots.example")
        _sign_from(client, f"192.0.2.{n + 100}", f"person{n}@gmail.com")
    reasons = _suspects(app)
    assert {reasons[f"p{n}@bots.example"] for n in range(5)} == {"domain-burst"}
    assert {reasons[f"person{n}@gmail.com"] for n in range(5)} == {None}


@pytest.mark.usefixtures("campaign")
def test_honeypot_filled_is_suspect_and_still_emailed(app, client):
    response = _sign_from(client, "192.0.2.1", "bot@example.org", website="x")
    assert response.status_code == 303
    assert _suspects(app) == {"bot@example.org": "honeypot"}
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage))
        assert message.kind == "confirmation_request"
    _confirm(client, app, "bot@example.org")
    assert _tally(app) == 0


@pytest.mark.usefixtures("campaign")
def test_form_sent_faster_than_a_person_is_suspect(app, client, monkeypatch):
    # A minute stands in for the default 2 s so that a busy test machine, slow
    # between fetching the form and sending it, cannot pass for a person.
    app.config["SIGN_FORM_MIN_SECONDS"] = 60
    _sign_from(client, "192.0.2.1", "fast@example.org")
    real_now = clock.utcnow
    monkeypatch.setattr(clock, "utcnow", lambda: real_now() + timedelta(seconds=90))
    _sign_from(client, "192.0.2.2", "human@example.org")
    assert _suspects(app) == {
        "fast@example.org": "too-fast",
        "human@example.org": None,
    }


@pytest.mark.usefixtures("campaign")
def test_withdrawing_a_suspect_leaves_the_tally_alone(app, client):
    _sign_from(client, "192.0.2.1", "ana@example.org")
    _confirm(client, app, "ana@example.org")
    _sign_from(client, "192.0.2.2", "bot@example.org", website="spam")
    _confirm(client, app, "bot@example.org")
    with app.app_context():
        signature = db.session.scalar(
            select(Signature).filter_by(suspect_reason="honeypot")
        )
        token = tokens.make_withdraw_token(signature.public_id)
    client.post(f"/s/withdraw/{token}")
    assert _tally(app) == 1


def _burst_then_confirm(app, client) -> None:
    for n in range(5):
        _sign_from(client, "203.0.113.9", f"p{n}@example.org")
    for n in range(4):  # one stays unconfirmed
        _confirm(client, app, f"p{n}@example.org")
    client.environ_base["REMOTE_ADDR"] = "127.0.0.1"  # the organizer's own address


@pytest.mark.usefixtures("campaign")
def test_counting_a_group_in_bulk_adds_its_confirmed_signatures(app, client):
    _burst_then_confirm(app, client)
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        [group] = fraud.suspect_groups(campaign, fraud.GroupBy.IP)
        assert (group.total, group.confirmed) == (5, 4)
        assert fraud.count_group(campaign, fraud.GroupBy.IP, group.key) == 5
        assert counting.tally(1).count == 4
        assert fraud.suspect_groups(campaign, fraud.GroupBy.IP) == []
    _confirm(client, app, "p4@example.org")  # a cleared one counts on confirming
    assert _tally(app) == 5
    _sign_from(client, "203.0.113.9", "p9@example.org")  # cleared rows stay counted
    assert _tally(app) == 5
    assert _suspects(app)["p9@example.org"] == "ip-burst"
    with app.app_context():
        assert counting.recount(db.session.get(Campaign, 1)) == (5, 5)


@pytest.mark.usefixtures("campaign")
def test_dashboard_shows_suspects_apart_and_links_to_their_review(
    app, client, make_organizer
):
    _sign_from(client, "192.0.2.1", "ana@example.net")
    _confirm(client, app, "ana@example.net")
    _sign_from(client, "192.0.2.2", "new@example.com")
    _burst_then_confirm(app, client)
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        counts = dashboard.signature_counts(campaign)
        assert (counts.confirmed, counts.pending, counts.withdrawn) == (1, 1, 0)
        assert counts.suspect == 5
        assert dashboard.top_countries(campaign) == [("SV", 1)]
        assert dashboard.chart(campaign).total == 1
        session_id = make_organizer(is_admin=True).get_id()
    login_as(client, session_id)
    page = client.get("/organize/campaigns/fair-pay").get_data(as_text=True)
    assert "Suspect, awaiting review" in page
    assert 'href="/organize/campaigns/fair-pay/suspects">5</a>' in page


@pytest.mark.usefixtures("campaign")
def test_rejecting_a_group_keeps_it_out_for_good(app, client):
    _burst_then_confirm(app, client)
    with app.app_context():
        campaign = db.session.get(Campaign, 1)
        [group] = fraud.suspect_groups(campaign, fraud.GroupBy.DOMAIN)
        assert group.key == "example.org"
        assert fraud.reject_group(campaign, fraud.GroupBy.DOMAIN, "example.org") == 5
        assert fraud.suspect_groups(campaign, fraud.GroupBy.HOUR) == []
    _confirm(client, app, "p4@example.org")
    assert _tally(app) == 0


@pytest.mark.usefixtures("campaign")
def test_organizer_reviews_and_counts_a_group(app, client, make_organizer):
    _burst_then_confirm(app, client)
    with app.app_context():
        session_id = make_organizer(is_admin=True).get_id()
        key = db.session.scalar(select(Signature.ip_hash).limit(1))
    login_as(client, session_id)
    page = client.get("/organize/campaigns/fair-pay/suspects?by=ip")
    assert page.status_code == 200
    assert key[:12] in page.get_data(as_text=True)
    for by in ("domain", "hour", "nonsense"):
        assert (
            client.get(f"/organize/campaigns/fair-pay/suspects?by={by}").status_code
            == 200
        )
    token = csrf_token(client, "/organize/campaigns/fair-pay/suspects")
    response = client.post(
        "/organize/campaigns/fair-pay/suspects/count",
        data={"by": "ip", "key": key, "csrf_token": token},
    )
    assert response.status_code == 303
    assert _tally(app) == 4
    assert "5 signatures now count." in client.get(response.location).get_data(
        as_text=True
    )


@pytest.mark.usefixtures("campaign")
def test_organizer_rejects_a_group_and_bad_groups_change_nothing(
    app, client, make_organizer
):
    _burst_then_confirm(app, client)
    with app.app_context():
        session_id = make_organizer(is_admin=True).get_id()
    login_as(client, session_id)
    token = csrf_token(client, "/organize/campaigns/fair-pay/suspects")
    for data in ({"by": "ip", "key": ""}, {"by": "evil", "key": "x"}, {}):
        response = client.post(
            "/organize/campaigns/fair-pay/suspects/reject",
            data=data | {"csrf_token": token},
        )
        assert response.status_code == 303
    assert (
        client.post(
            "/organize/campaigns/fair-pay/suspects/reject",
            data={"by": "domain", "key": "example.org"},
        ).status_code
        == 400
    )  # no CSRF token
    assert set(_suspects(app).values()) == {"ip-burst"}
    client.post(
        "/organize/campaigns/fair-pay/suspects/reject",
        data={"by": "domain", "key": "example.org", "csrf_token": token},
    )
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).where(Signature.rejected_at.is_not(None))
            )
            == 5
        )


@pytest.mark.usefixtures("campaign")
def test_suspect_pages_are_only_for_the_campaigns_organizers(
    app, client, make_organizer
):
    with app.app_context():
        session_id = make_organizer("other@example.org").get_id()
    login_as(client, session_id)
    assert client.get("/organize/campaigns/fair-pay/suspects").status_code == 404
    token = csrf_token(client, "/privacy")
    assert (
        client.post(
            "/organize/campaigns/fair-pay/suspects/count",
            data={"by": "ip", "key": "x", "csrf_token": token},
        ).status_code
        == 404
    )
    assert client.get("/organize/campaigns/fair-pay/signer-privacy").status_code == 404
