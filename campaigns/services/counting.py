"""Confirmed tallies: sharded counter rows summed on read, checked against rows."""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import BindParameter, ScalarSelect, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Insert

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import Campaign, Signature, SignatureCounter


@dataclass(frozen=True)
class Tally:
    """A campaign's confirmed count and when it last changed."""

    count: int
    updated_at: datetime | None


@cache
def _upsert(dialect: str) -> Insert:
    """Add to a shard's count, creating the shard row if needed; built once."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SignatureCounter.__table__)
    return statement.on_conflict_do_update(
        index_elements=[SignatureCounter.campaign_id, SignatureCounter.shard],
        set_={
            "confirmed": SignatureCounter.confirmed + statement.excluded.confirmed,
            "updated_at": statement.excluded.updated_at,
        },
    )


def add(campaign_id: int, delta: int) -> None:
    """Change a campaign's tally by `delta`, on a random shard."""
    shard = random.randrange(current_app.config["COUNTER_SHARDS"])  # noqa: S311
    add_to_shard(campaign_id, shard, delta)


def add_to_shard(campaign_id: int, shard: int, delta: int) -> None:
    """Change one shard of a campaign's tally by `delta` in the open transaction."""
    upsert = _upsert(db.session.get_bind().dialect.name)
    db.session.connection().execute(
        upsert,
        {
            "campaign_id": campaign_id,
            "shard": shard,
            "confirmed": delta,
            "updated_at": utcnow(),
        },
    )


def total_expression(campaign_id: int | BindParameter[int]) -> ScalarSelect[int]:
    """The campaign's tally as a subquery, for use inside another statement."""
    return (
        select(func.coalesce(func.sum(SignatureCounter.confirmed), 0))
        .where(SignatureCounter.campaign_id == campaign_id)
        .scalar_subquery()
    )


def tally(campaign_id: int) -> Tally:
    """Return the confirmed count of one campaign."""
    return tallies([campaign_id]).get(campaign_id, Tally(0, None))


def tallies(campaign_ids: Iterable[int]) -> dict[int, Tally]:
    """Return the confirmed counts of several campaigns in one query."""
    ids = list(campaign_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            SignatureCounter.campaign_id,
            func.sum(SignatureCounter.confirmed),
            func.max(SignatureCounter.updated_at),
        )
        .where(SignatureCounter.campaign_id.in_(ids))
        .group_by(SignatureCounter.campaign_id)
    )
    found = {
        campaign_id: Tally(int(total), updated) for campaign_id, total, updated in rows
    }
    return {campaign_id: found.get(campaign_id, Tally(0, None)) for campaign_id in ids}


def _counted_rows(campaign_id: int) -> ScalarSelect[int]:
    return (
        select(func.count())
        .select_from(Signature)
        .where(Signature.campaign_id == campaign_id, Signature.counts)
        .scalar_subquery()
    )


def recount(campaign: Campaign) -> tuple[int, int]:
    """Check a campaign's tally against its signature rows and repair it.

    Returns (tally before, true count). Rows and shards are read in one statement,
    so a confirmation committing meanwhile changes both alike: the repair is exact.
    """
    before, true_count = db.session.execute(
        select(total_expression(campaign.id), _counted_rows(campaign.id))
    ).one()
    if before != true_count:
        add_to_shard(campaign.id, 0, true_count - before)
    db.session.commit()
    return int(before), int(true_count)
