from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from campaigns import outbox, tokens
from campaigns.clock import utcnow
from campaigns.errors import (
    CampaignNotOpenError,
    ExpiredTokenError,
    InvalidTokenError,
)
from campaigns.extensions import db
from campaigns.models import OutboxMessage, Signature
from campaigns.services import counting, signing
from tests.helpers import outbox_contents, public_id, sign, signed

DETAILS = signing.SignerDetails(
    full_name="Ana  Flores", email="Ana.Flores+x@Gmail.com", country="SV"
)


def _token_for(path_kind: str, smtp_server, address: str) -> str:
    message = smtp_server.to(address)[-1]
    link = next(u for u in smtp_server.links(message) if f"/s/{path_kind}/" in u)
    return link.rsplit("/", 1)[1]


def test_sign_keeps_typed_address_and_normalises_the_key(app_ctx, make_campaign):
    campaign = make_campaign()
    signature = signed(campaign, DETAILS)
    assert signature.email == "Ana.Flores+x@gmail.com"
    assert signature.email_key == "anaflores@gmail.com"
    assert signature.full_name == "Ana Flores"
    assert signature.public_name_at is None
    assert signature.keep_informed_at is None


def test_consents_record_time_and_wording_version(app, app_ctx, make_campaign):
    campaign = make_campaign()
    details = signing.SignerDetails(
        full_name="Bilal Khan",
        email="b@example.org",
        country="PK",
        show_name=True,
        keep_informed=True,
    )
    signature = signed(campaign, details)
    assert signature.public_name_at is not None
    assert signature.keep_informed_at is not None
    version = app.config["CONSENT_WORDING_VERSION"]
    assert signature.public_name_wording == signature.keep_informed_wording == version


def test_gmail_spellings_are_one_signature(app_ctx, make_campaign):
    campaign = make_campaign()
    first = signed(campaign, DETAILS)
    again = signed(
        campaign,
        signing.SignerDetails(
            full_name="A F", email="anaflores@gmail.com", country="SV"
        ),
    )
    assert first.id == again.id
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 1


def test_confirm_twice_keeps_first_timestamp_and_counts_once(app_ctx, make_campaign):
    campaign = make_campaign()
    signature = signed(campaign, DETAILS)
    token = tokens.make_confirm_token(signature.public_id)
    first = signing.confirm(token).confirmed_at
    assert signing.confirm(token).confirmed_at == first
    assert counting.tally(campaign.id).count == 1
    assert signing.confirm(token).signer_number == 1


def test_withdraw_leaves_the_count_and_is_idempotent(app_ctx, make_campaign):
    campaign = make_campaign()
    signature = signed(campaign, DETAILS)
    signing.confirm(tokens.make_confirm_token(signature.public_id))
    withdraw_token = tokens.make_withdraw_token(signature.public_id)
    signing.withdraw(withdraw_token)
    signing.withdraw(withdraw_token)
    assert counting.tally(campaign.id).count == 0
    # A withdrawn signature cannot be confirmed back into the count by an old link.
    signing.confirm(tokens.make_confirm_token(signature.public_id))
    assert counting.tally(campaign.id).count == 0


def test_signing_again_after_withdrawing_needs_a_new_confirmation(
    app_ctx, make_campaign
):
    campaign = make_campaign()
    signature = signed(campaign, DETAILS)
    signing.confirm(tokens.make_confirm_token(signature.public_id))
    signing.withdraw(tokens.make_withdraw_token(signature.public_id))
    again = signed(campaign, DETAILS)
    assert again.id == signature.id
    assert not again.is_confirmed
    assert not again.is_withdrawn
    signing.confirm(tokens.make_confirm_token(again.public_id))
    assert counting.tally(campaign.id).count == 1


def test_withdrawing_an_unconfirmed_signature_stops_it_counting_later(
    app_ctx, make_campaign
):
    campaign = make_campaign()
    signature = signed(campaign, DETAILS)
    signing.withdraw(tokens.make_withdraw_token(signature.public_id))
    signing.confirm(tokens.make_confirm_token(signature.public_id))
    assert counting.tally(campaign.id).count == 0


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "eyJhbGciOi.invalid.token",
        "MQ.AAAAAA.aaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ],
)
def test_malformed_tokens_are_invalid(app_ctx, token):
    with pytest.raises(InvalidTokenError):
        tokens.read_confirm_token(token)


def test_tokens_are_single_purpose(app_ctx, make_campaign):
    signature = signed(make_campaign(), DETAILS)
    with pytest.raises(InvalidTokenError):
        tokens.read_confirm_token(tokens.make_withdraw_token(signature.public_id))
    with pytest.raises(InvalidTokenError):
        tokens.read_withdraw_token(tokens.make_confirm_token(signature.public_id))
    with pytest.raises(InvalidTokenError):
        tokens.read_confirm_token(tokens.make_sign_form_token(signature.campaign_id))


def test_token_signed_with_another_key_is_invalid(app_ctx):
    forged = URLSafeTimedSerializer("other", salt=tokens.CONFIRM_SIGNATURE).dumps(1)
    with pytest.raises(InvalidTokenError):
        tokens.read_confirm_token(forged)


def test_expired_confirm_link_explains_and_sends_a_new_one(app, client, make_campaign):
    with app.app_context():
        make_campaign()
    sign(client, "fair-pay")
    with app.app_context():
        token = tokens.make_confirm_token(public_id(1))
    app.config["CONFIRM_TOKEN_MAX_AGE"] = -1
    with app.app_context(), pytest.raises(ExpiredTokenError):
        tokens.read_confirm_token(token)
    page = client.get(f"/s/confirm/{token}")
    assert page.status_code == 400
    assert "This link has expired" in page.get_data(as_text=True)
    assert client.post(f"/s/confirm/{token}").status_code == 400
    response = client.post(f"/s/new-link/{token}")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert counting.tally(1).count == 0


def test_tampered_link_is_explained(client):
    page = client.get("/s/confirm/tampered-token")
    assert page.status_code == 400
    assert "This link does not work" in page.get_data(as_text=True)
    assert client.post("/s/withdraw/tampered").status_code == 400
    assert client.post("/s/new-link/tampered").status_code == 400


def test_withdraw_link_from_the_email_withdraws(
    mail_app, client, smtp_server, make_campaign
):
    with mail_app.app_context():
        make_campaign()
    sign(client, "fair-pay")
    with mail_app.app_context():
        outbox.run_worker(once=True)
    confirm = _token_for("confirm", smtp_server, "ana@example.org")
    withdraw = _token_for("withdraw", smtp_server, "ana@example.org")
    client.post(f"/s/confirm/{confirm}")
    assert "Withdraw my signature" in client.get(f"/s/withdraw/{withdraw}").get_data(
        as_text=True
    )
    with mail_app.app_context():
        assert counting.tally(1).count == 1  # opening the page withdraws nothing
    client.post(f"/s/withdraw/{withdraw}")
    with mail_app.app_context():
        assert counting.tally(1).count == 0


def test_smtp_outage_delays_mail_but_loses_nothing(
    mail_app, client, smtp_server, make_campaign
):
    with mail_app.app_context():
        make_campaign()
    mail_app.extensions["mail"].port = 1  # nothing listens there: SMTP is down
    for number in range(3):
        assert (
            sign(client, "fair-pay", email=f"s{number}@example.org").status_code == 303
        )
    with mail_app.app_context():
        outbox.run_worker(once=True)
        waiting = db.session.scalars(select(OutboxMessage)).all()
        assert [m.sent_at for m in waiting] == [None, None, None]
        assert all(m.attempts == 1 and m.last_error for m in waiting)
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 3
    assert smtp_server.messages == []

    mail_app.extensions["mail"].port = smtp_server.port  # SMTP is back
    with mail_app.app_context():
        db.session.execute(
            db.update(OutboxMessage).values(
                next_attempt_at=utcnow() - timedelta(hours=1)
            )
        )
        db.session.commit()
        outbox.run_worker(once=True)
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "s0@example.org",
        "s1@example.org",
        "s2@example.org",
    ]
    with mail_app.app_context():
        outbox.run_worker(once=True)  # nothing is delivered twice
    assert len(smtp_server.messages) == 3


def test_retries_back_off_and_give_up(app, app_ctx, make_campaign):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_RETRY_BASE_SECONDS=10)
    app.extensions["mail"].server, app.extensions["mail"].port = "127.0.0.1", 1
    app.extensions["mail"].suppress = False
    signed(make_campaign(), DETAILS)
    outbox.deliver_due()
    message = db.session.scalar(select(OutboxMessage))
    delay = message.next_attempt_at - message.created_at
    assert timedelta(seconds=9) < delay < timedelta(seconds=60)
    assert outbox.deliver_due() == 0  # not due again yet
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    db.session.execute(
        db.update(OutboxMessage).values(attempts=0, next_attempt_at=message.created_at)
    )
    db.session.commit()
    outbox.deliver_due()
    db.session.refresh(message)
    assert message.failed_at is not None
    assert message.sent_at is None


def test_email_links_carry_a_random_public_id_not_the_row_id(
    app, app_ctx, make_campaign
):
    campaign = make_campaign()
    first = signed(campaign, DETAILS)
    second = signed(
        campaign,
        signing.SignerDetails(full_name="Bo Li", email="bo@example.org", country="CN"),
    )
    assert first.public_id != second.public_id
    assert len(first.public_id) >= 16
    [content] = [c for c in outbox_contents() if first.full_name in c.text]
    links = {
        kind: content.text.split(f"/s/{kind}/", 1)[1].split()[0]
        for kind in ("confirm", "withdraw")
    }
    assert tokens.read_confirm_token(links["confirm"]) == first.public_id
    assert tokens.read_withdraw_token(links["withdraw"]) == first.public_id
    # A token naming a row id, as links once did, is no link at all.
    with pytest.raises(InvalidTokenError):
        tokens.read_confirm_token(tokens.make_token(tokens.CONFIRM_SIGNATURE, first.id))


def test_signer_number_follows_the_tally_the_confirmation_joins(app_ctx, make_campaign):
    campaign = make_campaign()
    counting.add(campaign.id, 41)
    db.session.commit()
    signature = signed(campaign, DETAILS)
    confirmed = signing.confirm(tokens.make_confirm_token(signature.public_id))
    assert confirmed.signer_number == 42
    assert counting.tally(campaign.id).count == 42


@pytest.mark.parametrize(
    "fields",
    [
        {"closes_at": utcnow() - timedelta(days=1)},
        {"opens_at": utcnow() + timedelta(days=1)},
        {"status": "closed", "closed_at": utcnow()},
    ],
)
def test_signing_is_refused_in_the_statement_that_would_record_it(
    app_ctx, make_campaign, fields
):
    campaign = make_campaign(**fields)
    with pytest.raises(CampaignNotOpenError):
        signing.sign(campaign.id, DETAILS)
    with pytest.raises(CampaignNotOpenError):
        signing.sign(campaign.id + 1, DETAILS)  # no such campaign
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
