"""Campaigns, and the sharded counter rows that hold their confirmed tally."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    String,
    Text,
    and_,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models.types import UTCDateTime

if TYPE_CHECKING:
    from campaigns.models.news import CampaignNews
    from campaigns.models.signature import Signature


class CampaignStatus(StrEnum):
    """Where a campaign is in its life."""

    DRAFT = "draft"
    LIVE = "live"
    CLOSED = "closed"


class Campaign(db.Model):
    """A petition or solidarity campaign that people sign."""

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'live', 'closed')", name="status_known"),
        CheckConstraint(
            "status = 'draft' OR published_at IS NOT NULL", name="live_published"
        ),
        CheckConstraint(
            "status != 'closed' OR closed_at IS NOT NULL", name="closed_dated"
        ),
        CheckConstraint("goal > 0", name="goal_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(String(200), default="")
    goal: Mapped[int] = mapped_column(default=1000)
    status: Mapped[str] = mapped_column(String(10), default=CampaignStatus.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(Text)
    # Public signer list: hide every name, or the names from some countries
    # (space-separated ISO codes, e.g. the country whose state the campaign targets).
    hide_signer_names: Mapped[bool] = mapped_column(default=False)
    hidden_name_countries: Mapped[str] = mapped_column(String(800), default="")

    signatures: Mapped[list["Signature"]] = relationship(
        back_populates="campaign", lazy="raise_on_sql", passive_deletes=True
    )
    news_links: Mapped[list["CampaignNews"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )

    @property
    def is_live(self) -> bool:
        """True while the campaign is published and not closed."""
        return self.status == CampaignStatus.LIVE

    @property
    def is_closed(self) -> bool:
        """True once an organizer has closed the campaign."""
        return self.status == CampaignStatus.CLOSED

    @property
    def hidden_country_codes(self) -> frozenset[str]:
        """The countries whose signers' names are never shown publicly."""
        return frozenset((self.hidden_name_countries or "").split())

    @hybrid_method
    def accepts_signatures(self, now: datetime) -> bool:
        """True if a signature made at `now` may be recorded.

        `Campaign.accepts_signatures(now)` in a query is the same rule in SQL, which
        signing checks in the very statement that records a signature.
        """
        if not self.is_live:
            return False
        if self.opens_at is not None and now < self.opens_at:
            return False
        return self.closes_at is None or now < self.closes_at

    @accepts_signatures.inplace.expression
    @classmethod
    def _accepts_signatures_expression(
        cls, now: datetime | ColumnElement[datetime]
    ) -> ColumnElement[bool]:
        return and_(
            cls.status == CampaignStatus.LIVE,
            or_(cls.opens_at.is_(None), cls.opens_at <= now),
            or_(cls.closes_at.is_(None), cls.closes_at > now),
        )


class SignatureCounter(db.Model):
    """One shard of a campaign's confirmed tally; the tally is the sum of its shards.

    Confirmations add to a random shard so that concurrent confirmations on one
    campaign do not queue on a single row lock. The signature rows remain the truth.
    """

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    confirmed: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
