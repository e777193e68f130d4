"""Public blueprint: what visitors and signers see."""

from campaigns.public.views import bp

__all__ = ["bp"]
