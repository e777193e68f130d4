"""The database models, one module per aggregate."""

from campaigns.models.campaign import Campaign, CampaignStatus, SignatureCounter
from campaigns.models.export import ExportRecord
from campaigns.models.news import CampaignNews, NewsItem
from campaigns.models.organizer import CampaignOrganizer, Organizer, OrganizerRole
from campaigns.models.outbox import OutboxMessage
from campaigns.models.signature import Signature
from campaigns.models.statement import Statement, StatementDigest, StatementEdit

__all__ = [
    "Campaign",
    "CampaignNews",
    "CampaignOrganizer",
    "CampaignStatus",
    "ExportRecord",
    "NewsItem",
    "Organizer",
    "OrganizerRole",
    "OutboxMessage",
    "Signature",
    "SignatureCounter",
    "Statement",
    "StatementDigest",
    "StatementEdit",
]
