"""Fraud rules: likely fake signatures are kept, held out of the count, and reviewed.

Nothing here changes what the sender sees: a suspect signer gets the same pages and
emails as anyone else, so that a bot learns nothing to tune against.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import load_only

from campaigns import clock
from campaigns.extensions import db
from campaigns.models import Campaign, Signature
from campaigns.services import counting

# Held out of the count and neither counted nor rejected by an organizer yet.
AWAITING_REVIEW = and_(
    Signature.suspect_at.is_not(None), Signature.rejected_at.is_(None)
)


class Reason(StrEnum):
    """Why a signature was held out of the count."""

    HONEYPOT = "honeypot"
    TOO_FAST = "too-fast"
    IP_BURST = "ip-burst"
    DOMAIN_BURST = "domain-burst"


class GroupBy(StrEnum):
    """How suspect signatures are grouped for review."""

    IP = "ip"
    DOMAIN = "domain"
    HOUR = "hour"


@dataclass(frozen=True)
class Origin:
    """Where a submission came from, as far as the fraud rules need to know."""

    ip_hash: str | None = None
    form_issued_at: datetime | None = None
    honeypot: str = ""


@dataclass(frozen=True)
class SuspectGroup:
    """Suspect signatures sharing an IP hash, an email domain or an hour."""

    by: GroupBy
    key: str
    total: int
    confirmed: int
    first_at: datetime
    last_at: datetime
    reasons: tuple[str, ...]


def domain_of(email_key: str) -> str:
    """Return the domain part of a canonical address."""
    return email_key.rpartition("@")[2]


def _too_fast(origin: Origin, now: datetime) -> bool:
    if origin.form_issued_at is None:
        return False
    minimum = timedelta(seconds=current_app.config["SIGN_FORM_MIN_SECONDS"])
    return now - origin.form_issued_at < minimum


def _same_ip(signature: Signature) -> ColumnElement[bool]:
    return Signature.ip_hash == signature.ip_hash


def _same_domain(signature: Signature) -> ColumnElement[bool]:
    return Signature.email_key.endswith(
        "@" + domain_of(signature.email_key), autoescape=True
    )


def _recent(signature: Signature, now: datetime) -> ColumnElement[bool]:
    since = now - timedelta(seconds=current_app.config["FRAUD_WINDOW_SECONDS"])
    return and_(
        Signature.campaign_id == signature.campaign_id, Signature.created_at >= since
    )


def _count(where: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(Signature).where(where))


def _burst(
    signature: Signature, now: datetime
) -> tuple[Reason, ColumnElement[bool]] | None:
    """Return the burst rule the signature trips, with the rows that share it."""
    config = current_app.config
    if signature.ip_hash is not None:
        same_ip = and_(_recent(signature, now), _same_ip(signature))
        if _count(same_ip) > config["FRAUD_MAX_PER_IP"]:
            return Reason.IP_BURST, same_ip
    domain = domain_of(signature.email_key)
    if domain not in config["FRAUD_COMMON_DOMAINS"]:
        same_domain = and_(_recent(signature, now), _same_domain(signature))
        if _count(same_domain) > config["FRAUD_MAX_PER_DOMAIN"]:
            return Reason.DOMAIN_BURST, same_domain
    return None


def _hold(campaign_id: int, where: ColumnElement[bool], reason: str) -> None:
    """Mark matching signatures suspect; those that counted leave the tally."""
    now = clock.utcnow()
    fresh = and_(
        where,
        Signature.suspect_at.is_(None),
        Signature.cleared_at.is_(None),
        Signature.rejected_at.is_(None),
    )
    values = {"suspect_at": now, "suspect_reason": reason}
    left = db.session.execute(
        update(Signature)
        .where(fresh, Signature.counts)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(
        update(Signature)
        .where(fresh)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if left:
        counting.add(campaign_id, -left)


def screen(signature: Signature, origin: Origin) -> str | None:
    """Apply the fraud rules to a new, flushed signature; return the reason if any.

    A burst holds out every recent signature sharing its IP hash or email domain,
    not only the one that tipped it over. Runs inside the signing transaction.
    """
    now = clock.utcnow()
    reason: str | None = None
    if origin.honeypot.strip():
        reason = Reason.HONEYPOT
    elif _too_fast(origin, now):
        reason = Reason.TOO_FAST
    if reason is not None:
        signature.suspect_reason = reason
        signature.suspect_at = now
        return reason
    burst = _burst(signature, now)
    if burst is None:
        return None
    _hold(signature.campaign_id, burst[1], burst[0])
    db.session.refresh(signature)
    return burst[0]


def group_key(signature: Signature, by: GroupBy) -> str:
    """Return the value under which a signature is grouped for review."""
    if by is GroupBy.IP:
        return signature.ip_hash or "-"
    if by is GroupBy.DOMAIN:
        return domain_of(signature.email_key)
    return signature.created_at.strftime("%Y-%m-%dT%H:00")


def pending_suspects(campaign: Campaign) -> list[Signature]:
    """Return the campaign's suspect signatures that await review."""
    return list(
        db.session.scalars(
            select(Signature)
            .options(
                load_only(
                    Signature.email_key,
                    Signature.ip_hash,
                    Signature.created_at,
                    Signature.confirmed_at,
                    Signature.withdrawn_at,
                    Signature.suspect_reason,
                )
            )
            .where(Signature.campaign_id == campaign.id, AWAITING_REVIEW)
            .order_by(Signature.created_at)
        )
    )


def suspect_groups(campaign: Campaign, by: GroupBy) -> list[SuspectGroup]:
    """Group a campaign's suspect signatures for review, largest group first."""
    groups: dict[str, list[Signature]] = defaultdict(list)
    for signature in pending_suspects(campaign):
        groups[group_key(signature, by)].append(signature)
    summaries = [
        SuspectGroup(
            by=by,
            key=key,
            total=len(members),
            confirmed=sum(s.is_confirmed and not s.is_withdrawn for s in members),
            first_at=members[0].created_at,
            last_at=members[-1].created_at,
            reasons=tuple(sorted({s.suspect_reason or "" for s in members})),
        )
        for key, members in groups.items()
    ]
    return sorted(summaries, key=lambda group: (-group.total, group.key))


def _group_ids(campaign: Campaign, by: GroupBy, key: str) -> list[int]:
    return [s.id for s in pending_suspects(campaign) if group_key(s, by) == key]


def count_group(campaign: Campaign, by: GroupBy, key: str) -> int:
    """Clear a group of suspects: they count from now on (once confirmed).

    Returns how many signatures were cleared; the tally grows by the confirmed ones.
    """
    ids = _group_ids(campaign, by, key)
    if not ids:
        return 0
    now = clock.utcnow()
    db.session.execute(
        update(Signature)
        .where(Signature.id.in_(ids), Signature.suspect_at.is_not(None))
        .values(suspect_at=None, cleared_at=now)
        .execution_options(synchronize_session=False)
    )
    # The rows cleared just now are locked by this transaction until it commits.
    counted = _count(
        and_(Signature.id.in_(ids), Signature.cleared_at == now, Signature.counts)
    )
    if counted:
        counting.add(campaign.id, counted)
    db.session.commit()
    return len(ids)


def reject_group(campaign: Campaign, by: GroupBy, key: str) -> int:
    """Invalidate a group of suspects for good; returns how many were rejected."""
    ids = _group_ids(campaign, by, key)
    if ids:
        db.session.execute(
            update(Signature)
            .where(Signature.id.in_(ids), Signature.rejected_at.is_(None))
            .values(rejected_at=clock.utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return len(ids)
