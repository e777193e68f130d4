"""Statements of support: confirmed by email, moderated, and their edit history."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models.types import UTCDateTime

if TYPE_CHECKING:
    from campaigns.models.campaign import Campaign
    from campaigns.models.organizer import Organizer


class Statement(db.Model):
    """A few lines of support from a person or an organisation.

    Pending until confirmed by email, then waiting for an organizer to approve or
    reject it; shown publicly only while approved and not withdrawn.
    """

    __table_args__ = (
        CheckConstraint(
            "approved_at IS NULL OR rejected_at IS NULL", name="one_decision"
        ),
        CheckConstraint(
            "(approved_at IS NULL AND rejected_at IS NULL) OR confirmed_at IS NOT NULL",
            name="decided_confirmed",
        ),
        Index("ix_statement_campaign_approved", "campaign_id", "approved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE")
    )
    author_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # True when the author writes on the organisation's behalf, not only as a member.
    on_behalf: Mapped[bool] = mapped_column(default=False)
    country: Mapped[str] = mapped_column(String(2))
    body: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), index=True)
    locale: Mapped[str] = mapped_column(String(12), default="en")
    # Consent to publish name and organisation: its time and the wording's version.
    publish_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    publish_consent_wording: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why it was rejected: for the organizers only, never shown or sent to anyone.
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )
    last_edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    forwarded_on: Mapped[date | None] = mapped_column(Date())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    campaign: Mapped["Campaign"] = relationship()
    moderated_by: Mapped["Organizer | None"] = relationship()
    edits: Mapped[list["StatementEdit"]] = relationship(
        back_populates="statement",
        cascade="all, delete-orphan",
        order_by="StatementEdit.edited_at.desc()",
    )

    @property
    def is_confirmed(self) -> bool:
        """True once the author has confirmed by email."""
        return self.confirmed_at is not None

    @property
    def is_approved(self) -> bool:
        """True once an organizer has approved it for the campaign page."""
        return self.approved_at is not None

    @property
    def is_rejected(self) -> bool:
        """True once an organizer has rejected it."""
        return self.rejected_at is not None

    @property
    def is_withdrawn(self) -> bool:
        """True once the author has withdrawn it."""
        return self.withdrawn_at is not None

    @property
    def is_waiting(self) -> bool:
        """True while confirmed and waiting for an organizer's decision."""
        return (
            self.is_confirmed
            and not (self.is_approved or self.is_rejected)
            and not self.is_withdrawn
        )

    @property
    def is_public(self) -> bool:
        """True while it is shown on the campaign page."""
        return self.is_approved and not self.is_withdrawn

    @property
    def is_by_organisation(self) -> bool:
        """True when written on behalf of a named organisation."""
        return self.on_behalf and bool(self.organisation)

    @property
    def shows_author(self) -> bool:
        """True if the author agreed to publish their name and organisation."""
        return self.publish_consent_at is not None


class StatementEdit(db.Model):
    """One change a moderator made to a statement's text: who, when, before, after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), index=True
    )
    editor_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    old_body: Mapped[str] = mapped_column(Text)
    new_body: Mapped[str] = mapped_column(Text)

    statement: Mapped[Statement] = relationship(back_populates="edits")
    editor: Mapped["Organizer | None"] = relationship()


class StatementDigest(db.Model):
    """When a campaign's organizers were last sent the waiting-statements digest."""

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
