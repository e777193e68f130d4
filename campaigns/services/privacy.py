"""What we hold about signers: purging what expired, exporting and erasing it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from campaigns import addresses, clock, emails
from campaigns.extensions import db
from campaigns.models import Campaign, OutboxMessage, Signature
from campaigns.services import counting


@dataclass(frozen=True)
class PurgeResult:
    """How many rows or values a purge removed."""

    unconfirmed: int
    withdrawn: int
    ip_hashes: int
    messages: int


def _cutoff(setting: str) -> datetime:
    return clock.utcnow() - timedelta(days=current_app.config[setting])


def _delete(statement: Any) -> int:
    return db.session.execute(
        statement.execution_options(synchronize_session=False)
    ).rowcount


def purge() -> PurgeResult:
    """Delete what we no longer need (run daily from cron: `flask purge`).

    Unconfirmed signatures older than UNCONFIRMED_RETENTION_DAYS, signatures withdrawn
    longer ago than WITHDRAWN_RETENTION_DAYS, IP hashes older than
    IP_HASH_RETENTION_DAYS and outbox messages done with for OUTBOX_RETENTION_DAYS.
    None of these counts, so no tally changes.
    """
    unconfirmed = _delete(
        delete(Signature).where(
            Signature.confirmed_at.is_(None),
            Signature.created_at < _cutoff("UNCONFIRMED_RETENTION_DAYS"),
        )
    )
    withdrawn = _delete(
        delete(Signature).where(
            Signature.withdrawn_at < _cutoff("WITHDRAWN_RETENTION_DAYS")
        )
    )
    ip_hashes = _delete(
        update(Signature)
        .where(
            Signature.ip_hash.is_not(None),
            Signature.created_at < _cutoff("IP_HASH_RETENTION_DAYS"),
        )
        .values(ip_hash=None)
    )
    done_before = _cutoff("OUTBOX_RETENTION_DAYS")
    messages = _delete(
        delete(OutboxMessage).where(
            or_(
                OutboxMessage.sent_at < done_before,
                OutboxMessage.failed_at < done_before,
            )
        )
    )
    db.session.commit()
    return PurgeResult(unconfirmed, withdrawn, ip_hashes, messages)


def key_for(address: str) -> str:
    """Return the canonical key of an address. Raises addresses.InvalidAddressError."""
    return addresses.canonical_key(addresses.normalise(address))


def signatures_of(email_key: str) -> list[Signature]:
    """Return every signature made with this mailbox, with its campaign."""
    return list(
        db.session.scalars(
            select(Signature)
            .options(selectinload(Signature.campaign))
            .where(Signature.email_key == email_key)
            .order_by(Signature.created_at)
        )
    )


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export(signatures: Iterable[Signature]) -> dict[str, Any]:
    """Return everything we hold about these signatures, ready for JSON."""
    return {
        "signatures": [
            {
                "campaign": signature.campaign.title,
                "campaign_slug": signature.campaign.slug,
                "full_name": signature.full_name,
                "email": signature.email,
                "country": signature.country,
                "comment": signature.comment,
                "language": signature.locale,
                "signed_at": _when(signature.created_at),
                "confirmed_at": _when(signature.confirmed_at),
                "withdrawn_at": _when(signature.withdrawn_at),
                "signer_number": signature.signer_number,
                "name_shown_publicly_since": _when(signature.public_name_at),
                "name_consent_wording": signature.public_name_wording,
                "keep_informed_since": _when(signature.keep_informed_at),
                "keep_informed_wording": signature.keep_informed_wording,
                "emails_sent": signature.emails_sent,
                "ip_address_hash": signature.ip_hash,
            }
            for signature in signatures
        ]
    }


def erase(email_key: str) -> int:
    """Delete every signature of this mailbox and the mail queued to it.

    Tallies drop by the signatures that counted. Returns how many signatures went.
    """
    counted = db.session.execute(
        select(Signature.campaign_id, func.count())
        .where(
            Signature.email_key == email_key,
            Signature.counts,
        )
        .group_by(Signature.campaign_id)
    ).all()
    typed = set(
        db.session.scalars(
            select(Signature.email).where(Signature.email_key == email_key)
        )
    )
    erased = _delete(delete(Signature).where(Signature.email_key == email_key))
    _delete(
        delete(OutboxMessage).where(OutboxMessage.recipient.in_(typed | {email_key}))
    )
    for campaign_id, count in counted:
        counting.add(campaign_id, -int(count))
    db.session.commit()
    return erased


def send_data_link(address: str) -> bool:
    """Email a link to the data page, if we hold anything about this address.

    Returns whether an email was queued; the caller shows the same page either way,
    so that nobody learns who signed. Raises addresses.InvalidAddressError.
    """
    key = key_for(address)
    latest = db.session.scalar(
        select(Signature)
        .where(Signature.email_key == key)
        .order_by(Signature.created_at.desc())
        .limit(1)
    )
    if latest is None:
        return False
    emails.queue_signer_data_link(latest.email)
    db.session.commit()
    return True


def set_signer_list_privacy(
    campaign: Campaign, *, hide_names: bool, hidden_countries: Iterable[str]
) -> None:
    """Choose whose names the public signer list may show (country counts stay)."""
    campaign.hide_signer_names = hide_names
    campaign.hidden_name_countries = " ".join(sorted(set(hidden_countries)))
    db.session.commit()
