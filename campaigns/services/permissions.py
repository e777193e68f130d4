"""Who may see and change what: the one place organizer access is decided."""

from sqlalchemy import exists, select

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignOrganizer,
    NewsItem,
    Organizer,
    OrganizerRole,
)


def can_manage(organizer: Organizer, campaign: Campaign) -> bool:
    """True if the organizer is an admin, or the campaign's owner or co-organizer."""
    if organizer.is_admin:
        return True
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    CampaignOrganizer.campaign_id == campaign.id,
                    CampaignOrganizer.organizer_id == organizer.id,
                )
            )
        )
    )


def can_manage_team(organizer: Organizer, campaign: Campaign) -> bool:
    """True if the organizer is an admin or the campaign's owner."""
    if organizer.is_admin:
        return True
    link = db.session.get(CampaignOrganizer, (campaign.id, organizer.id))
    return link is not None and link.role == OrganizerRole.OWNER


def can_edit_news(organizer: Organizer, item: NewsItem) -> bool:
    """True if the organizer is an admin or wrote (or imported) the news item."""
    return organizer.is_admin or item.created_by_id == organizer.id
