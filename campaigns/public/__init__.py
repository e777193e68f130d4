"""Public blueprint: what visitors and signers see."""

from campaigns.public import statement_views  # noqa: F401 - registers its routes
from campaigns.public.views import bp

__all__ = ["bp"]
