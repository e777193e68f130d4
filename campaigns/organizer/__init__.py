"""Organizer pages (/organize): accounts, campaigns, news, exports, admin."""

from campaigns.organizer import (
    account_views,
    admin_views,
    export_views,
    fraud_views,
    news_views,
    statement_views,
)
from campaigns.organizer.views import bp

# The view modules attach their routes to bp when imported.
__all__ = [
    "account_views",
    "admin_views",
    "bp",
    "export_views",
    "fraud_views",
    "news_views",
    "statement_views",
]
