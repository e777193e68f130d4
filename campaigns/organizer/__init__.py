"""Organizer blueprint (/organize): accounts, running campaigns, news, exports."""

from campaigns.organizer import statement_views  # noqa: F401 - registers its routes
from campaigns.organizer.views import bp

__all__ = ["bp"]
