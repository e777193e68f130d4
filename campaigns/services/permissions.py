"""Who may see and change what: the one place organizer access is decided."""

from sqlalchemy import exists, select

from campaigns.extensions import db
from campaigns.models import Campaign, CampaignOrganizer, Organizer


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
