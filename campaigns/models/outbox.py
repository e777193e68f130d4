"""The mail outbox: messages written in the same transaction as what caused them."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models.types import UTCDateTime

if TYPE_CHECKING:
    from campaigns.models.signature import Signature


class OutboxMessage(db.Model):
    """An email waiting for, or done with, delivery by a mail worker.

    Most messages are rendered when queued. A message to a signer instead names its
    signature and is rendered by the worker when sent (subject and bodies are then
    NULL here): signing stays a couple of small INSERTs, the email speaks the signer's
    language, and erasing the signature deletes the mail still waiting for it.
    """

    __table_args__ = (Index("ix_outbox_message_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # What the message is about, e.g. "confirmation_request", for reports and tests.
    kind: Mapped[str] = mapped_column(String(50))
    signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("signature.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)

    signature: Mapped["Signature | None"] = relationship(lazy="raise")

    @property
    def is_sent(self) -> bool:
        """True once an SMTP server (or the console) has accepted the message."""
        return self.sent_at is not None
