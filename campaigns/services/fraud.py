"""Fraud rules: likely fake signatures are kept, held out of the count, and reviewed.

Nothing here changes what the sender sees: a suspect signer gets the same pages and
emails as anyone else, so that a bot learns nothing to tune against.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import ColumnElement, ScalarSelect, and_, func, select, update
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


def _too_fast(origin: Origin, now: datetime) -> bool:
    if origin.form_issued_at is None:
        return False
    minimum = timedelta(seconds=current_app.config["SIGN_FORM_MIN_SECONDS"])
    return now - origin.form_issued_at < minimum


def _recent(campaign_id: int, now: datetime) -> ColumnElement[bool]:
    since = now - timedelta(seconds=current_app.config["FRAUD_WINDOW_SECONDS"])
    return and_(Signature.campaign_id == campaign_id, Signature.created_at >= since)


def _count(where: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(Signature).where(where))


def _bounded_count(where: ColumnElement[bool], limit: int) -> ScalarSelect[int]:
    """How many rows match, counting no further than `limit`."""
    some = select(Signature.id).where(where).limit(limit).subquery()
    return select(func.count()).select_from(some).scalar_subquery()


def _burst(
    signature: Signature, now: datetime
) -> tuple[Reason, ColumnElement[bool]] | None:
    """Return the burst rule a new signature would trip, with the rows sharing it.

    Runs before the signature is inserted, so a rule trips when the rows already
    there reach the maximum (they and the new one then exceed it). One query reads
    each rule's recent rows through an index, and never more than the maximum.
    """
    config = current_app.config
    recent = _recent(signature.campaign.id, now)
    rules: list[tuple[Reason, ColumnElement[bool], int]] = []
    if signature.ip_hash is not None:
        same_ip = and_(recent, Signature.ip_hash == signature.ip_hash)
        rules.append((Reason.IP_BURST, same_ip, config["FRAUD_MAX_PER_IP"]))
    if signature.email_domain not in config["FRAUD_COMMON_DOMAINS"]:
        same_domain = and_(recent, Signature.email_domain == signature.email_domain)
        rules.append((Reason.DOMAIN_BURST, same_domain, config["FRAUD_MAX_PER_DOMAIN"]))
    if not rules:
        return None
    found = db.session.execute(
        select(*(_bounded_count(where, limit) for _, where, limit in rules))
    ).one()
    for (reason, where, limit), count in zip(rules, found, strict=True):
        if count >= limit:
            return reason, where
    return None


@dataclass(frozen=True)
class Verdict:
    """What the fraud rules decided about a new signature, before it is stored."""

    reason: str | None = None
    # The stored signatures a burst holds out of the count along with the new one.
    burst: ColumnElement[bool] | None = None

    def apply(self, campaign_id: int) -> None:
        """Hold out the rest of a burst; run in the signing transaction."""
        if self.burst is not None and self.reason is not None:
            _hold(campaign_id, self.burst, self.reason)


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


def screen(signature: Signature, origin: Origin) -> Verdict:
    """Apply the fraud rules to a new signature not yet stored; mark it if suspect.

    Only reads, so that the signing transaction can be short. A burst holds out
    every recent signature sharing the IP hash or email domain, not only the one
    that tipped it over: `Verdict.apply` does that once the signature is added.
    """
    now = clock.utcnow()
    verdict = Verdict()
    if origin.honeypot.strip():
        verdict = Verdict(Reason.HONEYPOT)
    elif _too_fast(origin, now):
        verdict = Verdict(Reason.TOO_FAST)
    else:
        burst = _burst(signature, now)
        if burst is not None:
            verdict = Verdict(burst[0], burst[1])
    if verdict.reason is not None:
        signature.suspect_reason = verdict.reason
        signature.suspect_at = now
    return verdict


def group_key(signature: Signature, by: GroupBy) -> str:
    """Return the value under which a signature is grouped for review."""
    if by is GroupBy.IP:
        return signature.ip_hash or "-"
    if by is GroupBy.DOMAIN:
        return signature.email_domain
    return signature.created_at.strftime("%Y-%m-%dT%H:00")


def pending_suspects(campaign: Campaign) -> list[Signature]:
    """Return the campaign's suspect signatures that await review."""
    return list(
        db.session.scalars(
            select(Signature)
            .options(
                load_only(
                    Signature.email_domain,
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
