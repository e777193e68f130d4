"""The local mailbox: outbox messages shown in the browser when running with --debug."""

import re

from flask import Blueprint, abort, current_app, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from campaigns import emails, outbox
from campaigns.extensions import db
from campaigns.models import OutboxMessage

bp = Blueprint("dev", __name__, url_prefix="/_mailbox")

MESSAGES_SHOWN = 50
_LINK = re.compile(r"https?://\S+")


@bp.before_request
def debug_only() -> None:
    """Hide the mailbox unless the app runs in debug mode."""
    if not current_app.debug:
        abort(404)


@bp.get("/")
def mailbox() -> ResponseReturnValue:
    """The latest messages written to the outbox, with their links clickable."""
    messages = db.session.scalars(
        select(OutboxMessage)
        .options(outbox.WITH_SIGNATURE)
        .order_by(OutboxMessage.id.desc())
        .limit(MESSAGES_SHOWN)
    )
    shown = [(message, emails.content_of(message)) for message in messages]
    return render_template("dev/mailbox.html", messages=shown, link_pattern=_LINK)
