"""Developer blueprint: the local mailbox, available only in debug mode."""

from campaigns.dev.views import bp

__all__ = ["bp"]
