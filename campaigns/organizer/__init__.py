"""Organizer blueprint (/organize): accounts, running campaigns, news, exports."""

from campaigns.organizer.views import bp

__all__ = ["bp"]
