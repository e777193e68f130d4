"""Bench data: a fresh schema, campaigns, a million signatures, outbox messages.

Rows are generated inside the database by one INSERT ... SELECT over a number series
(generate_series on PostgreSQL, a recursive CTE on SQLite): faster than sending a
million rows through executemany or COPY, because none cross the connection.
"""

from flask import Flask
from sqlalchemy import bindparam, select, text

from campaigns import create_app, emails, tokens
from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import Campaign, CampaignStatus, Signature
from campaigns.models.types import UTCDateTime
from campaigns.services import counting

SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105 - a throw-away bench


def bench_app(database_uri: str, server_name: str) -> Flask:
    """The app as the bench's own process uses it to prepare data."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SECRET_KEY": SECRET_KEY,
            "SERVER_NAME": server_name,
        }
    )


def reset(app: Flask) -> None:
    """Drop and recreate every table."""
    with app.app_context():
        db.drop_all()
        db.create_all()


def _insert_series(into: str, select_list: str, first: int, last: int, **params):
    """INSERT INTO `into` SELECT `select_list` for each i in first..last."""
    if db.session.get_bind().dialect.name == "postgresql":
        sql = (
            f"INSERT INTO {into} SELECT {select_list} "
            "FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) "
            "AS s(i)"
        )
    else:
        sql = (
            "WITH RECURSIVE s(i) AS (SELECT :first UNION ALL SELECT i + 1 FROM s "
            f"WHERE i < :last) INSERT INTO {into} SELECT {select_list} FROM s"
        )
    statement = text(sql).bindparams(bindparam("now", type_=UTCDateTime()))
    db.session.execute(
        statement, {"first": first, "last": last, "now": utcnow()} | params
    )
    db.session.commit()


def add_campaign(app: Flask, slug: str) -> int:
    """A live campaign; returns its id."""
    with app.app_context():
        campaign = Campaign(
            slug=slug,
            title=f"Bench campaign {slug}",
            summary="A campaign for the benchmark.",
            body="We want **fair pay**.\n\n" * 20,
            target="The owners",
            goal=2_000_000,
            status=CampaignStatus.LIVE,
            published_at=utcnow(),
        )
        db.session.add(campaign)
        db.session.commit()
        return campaign.id


SIGNATURE_COLUMNS = (
    "signature (campaign_id, public_id, full_name, email, email_key, email_domain, "
    "country, locale, created_at, confirmed_at, public_name_at, emails_sent)"
)


def add_signatures(
    app: Flask, campaign_id: int, count: int, *, confirmed: bool
) -> None:
    """Add `count` signatures, one in ten showing its name; confirmed ones counted."""
    confirmed_at = ":now" if confirmed else "NULL"
    address = f"'c{campaign_id}-' || i || '@bench.example.org'"
    with app.app_context():
        _insert_series(
            SIGNATURE_COLUMNS,
            f":campaign, 'bench-public-id-' || :campaign || '-' || i, "
            f"'Bench Signer ' || i, {address}, {address}, 'bench.example.org', "
            "'SV', 'en', "
            f":now, {confirmed_at}, CASE WHEN i % 10 = 0 THEN :now END, 1",
            1,
            count,
            campaign=campaign_id,
        )
        if confirmed:
            shards = app.config["COUNTER_SHARDS"]
            for shard in range(shards):
                share = count // shards + (1 if shard < count % shards else 0)
                counting.add_to_shard(campaign_id, shard, share)
            db.session.commit()


def confirm_tokens(app: Flask, campaign_id: int) -> list[str]:
    """Confirmation tokens for the campaign's pending signatures, as emailed."""
    with app.app_context():
        ids = db.session.scalars(
            select(Signature.public_id).where(
                Signature.campaign_id == campaign_id, Signature.confirmed_at.is_(None)
            )
        )
        return [tokens.make_confirm_token(public_id) for public_id in ids]


def queue_mail(app: Flask, campaign_id: int, count: int) -> None:
    """Queue confirmation requests to `count` of the campaign's signers, as signing
    does: the mail worker renders each one when it sends it."""
    with app.app_context():
        signers = (
            select(Signature.id)
            .where(Signature.campaign_id == campaign_id)
            .order_by(Signature.id)
            .limit(count)
        )
        emails.queue_signer_emails(
            emails.SignerEmail.CONFIRMATION_REQUEST, Signature.id.in_(signers)
        )
        db.session.commit()
