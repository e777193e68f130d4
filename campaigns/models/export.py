"""The export log: every download of signer or statement data, for admins to review."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models.types import UTCDateTime


class ExportRecord(db.Model):
    """One export of a campaign's data: who, when, what, with which filters."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept when the account or campaign is deleted, so the log stays readable.
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )
    actor: Mapped[str] = mapped_column(String(300))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), index=True
    )
    campaign_slug: Mapped[str] = mapped_column(String(80))
    # "signatures", "countries" or "statements"
    kind: Mapped[str] = mapped_column(String(20))
    # "web" or "cli"
    channel: Mapped[str] = mapped_column(String(10))
    filters: Mapped[str] = mapped_column(Text, default="")
    row_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )
