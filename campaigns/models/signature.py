"""Signatures: one person's support for a campaign, pending until confirmed."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, ForeignKey, Index, String, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models.types import UTCDateTime

if TYPE_CHECKING:
    from campaigns.models.campaign import Campaign


def new_public_id() -> str:
    """A fresh random public id for a signature."""
    return secrets.token_urlsafe(16)


def domain_of(email_key: str) -> str:
    """Return the domain part of a canonical address."""
    return email_key.rpartition("@")[2]


class Signature(db.Model):
    """A signature; it counts once confirmed and until withdrawn."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "email_key"),
        Index("ix_signature_campaign_confirmed", "campaign_id", "confirmed_at"),
        Index("ix_signature_campaign_created", "campaign_id", "created_at"),
        # The fraud rules count recent rows per IP hash and per email domain.
        Index(
            "ix_signature_campaign_ip_created", "campaign_id", "ip_hash", "created_at"
        ),
        Index(
            "ix_signature_campaign_domain_created",
            "campaign_id",
            "email_domain",
            "created_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What email links name the signature by: random, so a link reveals nothing.
    public_id: Mapped[str] = mapped_column(
        String(32), unique=True, default=new_public_id
    )
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE")
    )
    full_name: Mapped[str] = mapped_column(String(200))
    # The address as typed (domain normalised), used for sending.
    email: Mapped[str] = mapped_column(String(254))
    # The canonical address used to recognise the same person twice.
    email_key: Mapped[str] = mapped_column(String(254), index=True)
    # The domain of email_key, kept apart so the fraud rules can use an index.
    email_domain: Mapped[str] = mapped_column(String(254))
    country: Mapped[str] = mapped_column(String(2))
    comment: Mapped[str | None] = mapped_column(String(500))
    locale: Mapped[str] = mapped_column(String(12), default="en")
    # Each consent is its time and the version of the wording the signer saw.
    public_name_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    public_name_wording: Mapped[str | None] = mapped_column(String(20))
    keep_informed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    keep_informed_wording: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signer_number: Mapped[int | None]
    emails_sent: Mapped[int] = mapped_column(default=0)
    # Keyed hash of the IP address it was sent from; dropped after a retention period.
    ip_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    # Fraud handling: a suspect signature is kept but not counted until an organizer
    # counts it (suspect_at cleared, cleared_at set) or rejects it (rejected_at set).
    suspect_reason: Mapped[str | None] = mapped_column(String(20))
    suspect_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    campaign: Mapped["Campaign"] = relationship(back_populates="signatures")

    def __init__(self, **fields: Any) -> None:
        """Give the signature its public id and email domain as soon as it exists."""
        fields.setdefault("public_id", new_public_id())
        if "email_key" in fields:
            fields.setdefault("email_domain", domain_of(fields["email_key"]))
        super().__init__(**fields)

    @property
    def is_confirmed(self) -> bool:
        """True once the signer has confirmed by email."""
        return self.confirmed_at is not None

    @property
    def is_withdrawn(self) -> bool:
        """True once the signer has withdrawn."""
        return self.withdrawn_at is not None

    @property
    def is_suspect(self) -> bool:
        """True while a fraud rule holds this signature out of the count."""
        return self.suspect_at is not None

    @hybrid_property
    def counts(self) -> bool:
        """True if this signature is part of the campaign's tally.

        The one rule for what counts: confirmed, not withdrawn, not held as suspect
        (a suspect an organizer counted is cleared). `Signature.counts` in a query is
        the same rule in SQL, used by the tally, lists, exports and dashboards.
        """
        return self.is_confirmed and not self.is_withdrawn and not self.is_suspect

    @counts.inplace.expression
    @classmethod
    def _counts_expression(cls) -> ColumnElement[bool]:
        return and_(
            cls.confirmed_at.is_not(None),
            cls.withdrawn_at.is_(None),
            cls.suspect_at.is_(None),
        )

    @property
    def shows_name(self) -> bool:
        """True if the signer agreed to have their name shown publicly."""
        return self.public_name_at is not None

    @property
    def wants_updates(self) -> bool:
        """True if the signer agreed to be kept informed."""
        return self.keep_informed_at is not None

    @property
    def public_name(self) -> str:
        """First name and initial of the last name, as shown to the public."""
        parts = self.full_name.split()
        if len(parts) < 2:
            return parts[0] if parts else ""
        return f"{parts[0]} {parts[-1][0]}."


# Counted signers per country (the campaign page's breakdown, the organizer's
# dashboard) read only this index: one entry per counted signature, in country order.
Index(
    "ix_signature_campaign_country_counted",
    Signature.campaign_id,
    Signature.country,
    sqlite_where=Signature.counts,
    postgresql_where=Signature.counts,
)
