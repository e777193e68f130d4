"""Public blueprint: what visitors and signers see."""

from campaigns.public import privacy_views, statement_views
from campaigns.public.views import bp

__all__ = ["bp", "privacy_views", "statement_views"]
