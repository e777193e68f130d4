"""Organizer accounts, and which campaigns each one runs."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models.campaign import Campaign
from campaigns.models.types import UTCDateTime


class OrganizerRole(StrEnum):
    """How an organizer is attached to a campaign."""

    OWNER = "owner"
    CO_ORGANIZER = "co-organizer"


class Organizer(UserMixin, db.Model):
    """A person who runs campaigns; admins manage everything, including organizers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower-cased
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Changing this logs the organizer out everywhere (Flask-Login's alternative id).
    session_version: Mapped[int] = mapped_column(default=1)

    campaign_links: Mapped[list["CampaignOrganizer"]] = relationship(
        back_populates="organizer", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        """Session identity: id and session version, so a bump ends old sessions."""
        return f"{self.id}:{self.session_version}"


class CampaignOrganizer(db.Model):
    """An organizer's place on one campaign: its owner or a co-organizer."""

    __table_args__ = (
        CheckConstraint("role IN ('owner', 'co-organizer')", name="role_known"),
    )

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), default=OrganizerRole.OWNER)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    organizer: Mapped[Organizer] = relationship(back_populates="campaign_links")
