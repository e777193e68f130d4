"""News items, and their links to the campaigns they tell the story of."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models.types import UTCDateTime

if TYPE_CHECKING:
    from campaigns.models.campaign import Campaign


class NewsItem(db.Model):
    """An article, here (body) or elsewhere (url), about one or more campaigns."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    body: Mapped[str | None] = mapped_column(Text)
    # The feed entry's id, so that a feed imported twice adds nothing.
    guid: Mapped[str | None] = mapped_column(String(2000), unique=True)
    published_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Who wrote or imported it: they (and admins) may edit or delete it.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )

    campaign_links: Mapped[list["CampaignNews"]] = relationship(
        back_populates="news_item", cascade="all, delete-orphan"
    )


class CampaignNews(db.Model):
    """A news item linked to a campaign, with the campaign's tally at that time."""

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    news_item_id: Mapped[int] = mapped_column(
        ForeignKey("news_item.id", ondelete="CASCADE"), primary_key=True
    )
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    tally_at_link: Mapped[int] = mapped_column(default=0)

    campaign: Mapped["Campaign"] = relationship(back_populates="news_links")
    news_item: Mapped[NewsItem] = relationship(back_populates="campaign_links")
