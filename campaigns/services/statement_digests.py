"""The one email that tells a campaign's organizers statements are waiting."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from campaigns import emails
from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignOrganizer,
    Organizer,
    Statement,
    StatementDigest,
)

_WAITING = (
    Statement.confirmed_at.is_not(None),
    Statement.approved_at.is_(None),
    Statement.rejected_at.is_(None),
    Statement.withdrawn_at.is_(None),
)


def waiting_count(campaign: Campaign) -> int:
    """How many confirmed statements of the campaign wait for a decision."""
    return db.session.scalar(
        select(func.count()).where(Statement.campaign_id == campaign.id, *_WAITING)
    )


def recipients(campaign: Campaign) -> list[str]:
    """The campaign's organizers' addresses; the admins' if it has no organizer."""
    organizers = list(
        db.session.scalars(
            select(Organizer.email)
            .join(CampaignOrganizer)
            .where(CampaignOrganizer.campaign_id == campaign.id)
            .order_by(Organizer.id)
        )
    )
    if organizers:
        return organizers
    admins = select(Organizer.email).where(Organizer.is_admin.is_(True))
    return list(db.session.scalars(admins.order_by(Organizer.id)))


def _claim(campaign: Campaign) -> bool:
    """Take the campaign's digest slot if the last digest is old enough.

    Both statements are safe against a concurrent claim: only one of two racing
    transactions inserts the row or moves its time forward.
    """
    now = utcnow()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = db.session.scalar(
        insert(StatementDigest)
        .values(campaign_id=campaign.id, sent_at=now)
        .on_conflict_do_nothing(index_elements=[StatementDigest.campaign_id])
        .returning(StatementDigest.campaign_id)
    )
    if inserted is not None:
        return True
    cutoff = now - timedelta(hours=current_app.config["STATEMENT_DIGEST_HOURS"])
    moved = db.session.execute(
        update(StatementDigest)
        .where(
            StatementDigest.campaign_id == campaign.id,
            StatementDigest.sent_at <= cutoff,
        )
        .values(sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return moved.rowcount == 1


def queue_if_due(campaign: Campaign) -> bool:
    """Queue one digest per organizer unless one went out in the last few hours.

    Works in the caller's transaction and does not commit; returns whether queued.
    """
    waiting = waiting_count(campaign)
    if not waiting or not _claim(campaign):
        return False
    for address in recipients(campaign):
        emails.notify_organizer_of_waiting_statements(
            campaign, to=address, waiting=waiting
        )
    return True


def campaigns_with_unannounced_statements() -> list[Campaign]:
    """Campaigns with waiting statements confirmed since their last digest."""
    unannounced = (
        select(Statement.campaign_id)
        .outerjoin(
            StatementDigest, StatementDigest.campaign_id == Statement.campaign_id
        )
        .where(
            *_WAITING,
            or_(
                StatementDigest.sent_at.is_(None),
                Statement.confirmed_at > StatementDigest.sent_at,
            ),
        )
    )
    return list(
        db.session.scalars(
            select(Campaign).where(Campaign.id.in_(unannounced)).order_by(Campaign.id)
        )
    )


def send_due() -> int:
    """Queue the digests that are due for every campaign; return how many campaigns.

    Meant for cron: statements confirmed inside a digest's quiet period are announced
    by the first run after it ends.
    """
    queued = 0
    for campaign in campaigns_with_unannounced_statements():
        queued += queue_if_due(campaign)
        db.session.commit()
    return queued
