"""Fraud rules: likely fake signatures are kept, held out of the count, and reviewed.

Nothing here changes what the sender sees: a suspect signer gets the same pages and
emails as anyone else, so that a bot learns nothing to tune against.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    ScalarSelect,
    and_,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.orm import load_only

from campaigns import clock
from campaigns.extensions import db
from campaigns.models import Campaign, Signature
from campaigns.models.types import UTCDateTime
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


def _window_start(now: datetime) -> datetime:
    return now - timedelta(seconds=current_app.config["FRAUD_WINDOW_SECONDS"])


def _recent(campaign_id: int, now: datetime) -> ColumnElement[bool]:
    return and_(
        Signature.campaign_id == campaign_id, Signature.created_at >= _window_start(now)
    )


def _count(where: ColumnElement[bool]) -> int:
    return db.session.scalar(select(func.count()).select_from(Signature).where(where))


def _bounded_count(where: ColumnElement[bool], limit: BindParameter) -> ScalarSelect:
    """How many rows match, counting no further than `limit`."""
    some = select(Signature.id).where(where).limit(limit).subquery()
    return select(func.count()).select_from(some).scalar_subquery()


# Both burst rules' counts in one statement, built once: building a statement costs
# more than running it. A NULL ip_hash or email_domain matches no row.
_RECENT = and_(
    Signature.campaign_id == bindparam("campaign_id"),
    Signature.created_at >= bindparam("since", type_=UTCDateTime()),
)
_BURST_COUNTS = select(
    _bounded_count(
        and_(_RECENT, Signature.ip_hash == bindparam("ip_hash")),
        bindparam("max_per_ip", type_=Integer()),
    ),
    _bounded_count(
        and_(_RECENT, Signature.email_domain == bindparam("email_domain")),
        bindparam("max_per_domain", type_=Integer()),
    ),
)


def _burst(
    campaign_id: int, origin: Origin, email_domain: str | None, now: datetime
) -> tuple[Reason, ColumnElement[bool]] | None:
    """Return the burst rule a new signature would trip, with the rows sharing it.

    Runs before the signature is inserted, so a rule trips when the rows already
    there reach the maximum (they and the new one then exceed it). One query reads
    each rule's recent rows through an index, and never more than the maximum.
    Addresses at FRAUD_COMMON_DOMAINS are not counted by domain.
    """
    config = current_app.config
    max_per_ip, max_per_domain = (
        config["FRAUD_MAX_PER_IP"],
        config["FRAUD_MAX_PER_DOMAIN"],
    )
    if email_domain in config["FRAUD_COMMON_DOMAINS"]:
        email_domain = None
    same_ip, same_domain = (
        db.session.connection()
        .execute(
            _BURST_COUNTS,
            {
                "campaign_id": campaign_id,
                "since": _window_start(now),
                "ip_hash": origin.ip_hash,
                "email_domain": email_domain,
                "max_per_ip": max_per_ip,
                "max_per_domain": max_per_domain,
            },
        )
        .one()
    )
    if same_ip >= max_per_ip:
        same_ip_rows = Signature.ip_hash == origin.ip_hash
        return Reason.IP_BURST, and_(_recent(campaign_id, now), same_ip_rows)
    if same_domain >= max_per_domain:
        same_domain_rows = Signature.email_domain == email_domain
        return Reason.DOMAIN_BURST, and_(_recent(campaign_id, now), same_domain_rows)
    return None


@dataclass(frozen=True)
class Verdict:
    """What the fraud rules decided about a new signature, before it is stored."""

    reason: str | None = None
    # The stored signatures a burst holds out of the count along with the new one.
    burst: ColumnElement[bool] | None = None
    at: datetime | None = None

    def marks(self) -> dict[str, object]:
        """The columns that hold a new signature out of the count, if it is suspect."""
        if self.reason is None:
            return {}
        return {"suspect_reason": self.reason, "suspect_at": self.at}

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


def screen(campaign_id: int, email_domain: str, origin: Origin) -> Verdict:
    """Apply the fraud rules to a new signature not yet stored.

    Only reads, so that the signing transaction can be short. A burst holds out
    every recent signature sharing the IP hash or email domain, not only the one
    that tipped it over: `Verdict.apply` does that once the signature is added.
    """
    now = clock.utcnow()
    if origin.honeypot.strip():
        return Verdict(Reason.HONEYPOT, at=now)
    if _too_fast(origin, now):
        return Verdict(Reason.TOO_FAST, at=now)
    burst = _burst(campaign_id, origin, email_domain, now)
    if burst is not None:
        return Verdict(burst[0], burst[1], at=now)
    return Verdict()


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
