"""Organizer blueprint (/organize): accounts, running campaigns, news, exports."""

from campaigns.organizer import fraud_views
from campaigns.organizer.views import bp

__all__ = ["bp", "fraud_views"]
