"""The statements service: counting, confirming, digests, tokens, limits."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from campaigns import tokens
from campaigns.clock import utcnow
from campaigns.errors import InvalidTokenError
from campaigns.extensions import db
from campaigns.models import (
    CampaignOrganizer,
    OutboxMessage,
    Statement,
    StatementDigest,
)
from campaigns.services import statement_digests, statements


def _details(**fields) -> statements.AuthorDetails:
    defaults = {
        "author_name": "Rosa Aguilar",
        "email": "rosa@example.org",
        "country": "IT",
        "body": "We stand with you.",
    }
    return statements.AuthorDetails(**(defaults | fields))


def _approved(campaign, **fields) -> Statement:
    statement = statements.submit(campaign, _details(**fields))
    statement.confirmed_at = statement.approved_at = utcnow()
    db.session.commit()
    return statement


def _outbox(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).filter_by(kind=kind)))


def test_counts_include_statements_without_publication_consent(app_ctx, make_campaign):
    campaign = make_campaign()
    _approved(campaign, organisation="Union", on_behalf=True, publish=True)
    _approved(campaign, organisation="Federation", on_behalf=True)  # no consent
    _approved(campaign, organisation="Union", on_behalf=False, publish=True)
    _approved(campaign, on_behalf=True)  # no organisation named: an individual
    _approved(campaign)
    statements.submit(campaign, _details(email="pending@example.org"))
    withdrawn = _approved(campaign, email="gone@example.org")
    withdrawn.withdrawn_at = utcnow()
    db.session.commit()

    counts = statements.counts(campaign)
    assert (counts.organisations, counts.individuals) == (2, 3)
    assert len(statements.public_statements(campaign, limit=50)) == 5


def test_page_shows_supporter_from_country_without_consent(app, client, make_campaign):
    with app.app_context():
        campaign = make_campaign()
        _approved(
            campaign,
            author_name="Hidden Person",
            organisation="Secret Cell",
            on_behalf=True,
            country="FR",
        )
        _approved(campaign, author_name="Open Person", publish=True)
    page = client.get("/c/fair-pay").get_data(as_text=True)
    assert "A supporter from France" in page
    assert "Hidden Person" not in page
    assert "Secret Cell" not in page
    assert "Open Person" in page
    assert "1 organisation and 1 individual have" in page
    permalink = client.get("/c/fair-pay/statements/1").get_data(as_text=True)
    assert "A supporter from France" in permalink
    assert "Hidden Person" not in permalink


def test_statement_list_is_paginated_newest_first(app, client, make_campaign):
    app.config["STATEMENTS_PER_PAGE"] = 2
    with app.app_context():
        campaign = make_campaign()
        for number in range(3):
            statement = _approved(campaign, body=f"Statement number {number}")
            statement.approved_at = utcnow() + timedelta(minutes=number)
            db.session.commit()
    first = client.get("/c/fair-pay/statements").get_data(as_text=True)
    assert first.index("number 2") < first.index("number 1")
    assert "number 0" not in first
    second = client.get("/c/fair-pay/statements?page=2").get_data(as_text=True)
    assert "number 0" in second
    assert client.get("/c/fair-pay/statements?page=3").status_code == 404
    assert client.get("/c/fair-pay/statements?page=-1").status_code == 404


def test_confirm_is_idempotent(app_ctx, make_campaign):
    statement = statements.submit(make_campaign(), _details())
    token = tokens.make_statement_confirm_token(statement.id)
    first = statements.confirm(token).confirmed_at
    assert first is not None
    assert statements.confirm(token).confirmed_at == first


SIGNATURE_PUBLIC_ID = "an-example-public-id"


def test_tokens_do_not_cross_purposes(app_ctx):
    made = {
        "statement confirm": tokens.make_statement_confirm_token(1),
        "statement withdraw": tokens.make_statement_withdraw_token(1),
        "signature confirm": tokens.make_confirm_token(SIGNATURE_PUBLIC_ID),
        "signature withdraw": tokens.make_withdraw_token(SIGNATURE_PUBLIC_ID),
    }
    readers = {
        "statement confirm": tokens.read_statement_confirm_token,
        "statement withdraw": tokens.read_statement_withdraw_token,
        "signature confirm": tokens.read_confirm_token,
        "signature withdraw": tokens.read_withdraw_token,
    }
    for purpose, read in readers.items():
        assert read(made[purpose]) in (1, SIGNATURE_PUBLIC_ID)
        for other, token in made.items():
            if other != purpose:
                with pytest.raises(InvalidTokenError):
                    read(token)
    with pytest.raises(InvalidTokenError):
        tokens.read_statement_form_token(tokens.make_sign_form_token(1))
    with pytest.raises(InvalidTokenError):
        tokens.read_sign_form_token(tokens.make_statement_form_token(1))


def test_signature_links_fail_on_statement_routes_and_back(app, client, make_campaign):
    with app.app_context():
        statement = statements.submit(make_campaign(), _details())
        signature_token = tokens.make_confirm_token(statement.id)
        statement_token = tokens.make_statement_confirm_token(statement.id)
        signature_withdraw = tokens.make_withdraw_token(statement.id)
    assert client.post(f"/st/confirm/{signature_token}").status_code == 400
    assert client.post(f"/st/withdraw/{signature_withdraw}").status_code == 400
    assert client.post(f"/s/confirm/{statement_token}").status_code == 400
    with app.app_context():
        statement = db.session.get(Statement, 1)
        assert statement.confirmed_at is None
        assert statement.withdrawn_at is None


def test_pending_statements_per_address_are_bounded(app, client, make_campaign):
    app.config["MAX_PENDING_STATEMENTS_PER_ADDRESS"] = 2
    with app.app_context():
        campaign = make_campaign()
        results = [
            statements.submit(campaign, _details(email=email))
            for email in ("a@gmail.com", "A@gmail.com", "a+x@gmail.com")
        ]
        assert results[2] is None
        assert db.session.scalar(select(func.count(Statement.id))) == 2
        assert len(_outbox("statement_confirmation")) == 2


def test_one_digest_for_many_confirmations(app_ctx, make_campaign, make_organizer):
    campaign = make_campaign()
    for email in ("owner@example.org", "co@example.org"):
        organizer = make_organizer(email)
        db.session.add(
            CampaignOrganizer(campaign_id=campaign.id, organizer_id=organizer.id)
        )
    make_organizer("admin@example.org", is_admin=True)
    db.session.commit()
    for number in range(3):
        statement = statements.submit(campaign, _details(email=f"{number}@x.org"))
        statements.confirm(tokens.make_statement_confirm_token(statement.id))
    digests = _outbox("statement_digest")
    assert sorted(m.recipient for m in digests) == [
        "co@example.org",
        "owner@example.org",
    ]
    assert "1 statement of support" in digests[0].body_text
    assert statement_digests.send_due() == 0  # still inside the quiet period

    digest = db.session.get(StatementDigest, campaign.id)
    digest.sent_at = utcnow() - timedelta(hours=7)
    db.session.commit()
    assert statement_digests.send_due() == 1
    later = _outbox("statement_digest")[2:]
    assert len(later) == 2
    assert "3 statements of support" in later[0].body_text
    assert statement_digests.send_due() == 0  # nothing new since


def test_digest_command_for_cron(app, runner, make_campaign, make_organizer):
    with app.app_context():
        campaign = make_campaign()
        make_organizer("admin@example.org", is_admin=True)
        statement = statements.submit(campaign, _details())
        statement.confirmed_at = utcnow()  # confirmed without a digest being queued
        db.session.commit()
    result = runner.invoke(args=["statement-digests"])
    assert result.exit_code == 0
    assert "Queued statement digests for 1 campaigns." in result.output
    with app.app_context():  # a campaign without organizers reaches the admins
        [digest] = _outbox("statement_digest")
        assert digest.recipient == "admin@example.org"


def test_author_is_told_of_publication_once_and_of_every_edit(
    app_ctx, make_campaign, make_organizer
):
    moderator = make_organizer()
    statement = statements.submit(make_campaign(), _details(body="Old <b>words</b>"))
    statement.confirmed_at = utcnow()
    db.session.commit()
    statements.approve(statement, moderator)
    statements.approve(statement, moderator)
    assert [m.recipient for m in _outbox("statement_published")] == ["rosa@example.org"]
    assert statements.edit(statement, moderator, "New <i>words</i>")
    assert not statements.edit(statement, moderator, "New <i>words</i>")
    [notice] = _outbox("statement_edited")
    assert "New <i>words</i>" in notice.body_text
    assert "Old <b>words</b>" in notice.body_text
    assert "New &lt;i&gt;words&lt;/i&gt;" in notice.body_html
    assert "<b>words" not in notice.body_html
