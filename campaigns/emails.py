"""One function per email: each writes the message to the outbox, never sends it.

Messages to organizers and statement authors are rendered when queued. Messages to
signers name their signature and are rendered by the mail worker (`content_of`), so
that signing writes two small rows and each signer is written to in their language.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, insert, literal, select

from campaigns import addresses, tokens
from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import Campaign, Organizer, OutboxMessage, Signature, Statement
from campaigns.models.types import UTCDateTime


@dataclass(frozen=True)
class Content:
    """What an email says."""

    subject: str
    text: str
    html: str | None


def data_url(address: str) -> str:
    """Link to the page where the owner of `address` sees and erases their data."""
    token = tokens.make_signer_data_token(addresses.canonical_key(address))
    return url_for("public.my_data", token=token, _external=True)


def _render(template: str, *, to: str, subject: str, **context: object) -> Content:
    """Render email/<template>.txt and .html; every message links to the data page."""
    context.setdefault("data_url", data_url(to))
    return Content(
        subject=" ".join(subject.split()),  # no newline can reach a header
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
    )


def _queue(template: str, *, to: str, subject: str, **context: object) -> OutboxMessage:
    """Render a message into an outbox row (not committed)."""
    content = _render(template, to=to, subject=subject, **context)
    message = OutboxMessage(
        recipient=to,
        subject=content.subject,
        body_text=content.text,
        body_html=content.html,
        kind=template,
    )
    db.session.add(message)
    return message


class SignerEmail(StrEnum):
    """The emails to a signer, rendered at sending from their signature."""

    CONFIRMATION_REQUEST = "confirmation_request"
    DUPLICATE_NOTICE = "duplicate_notice"
    CAMPAIGN_OUTCOME = "campaign_outcome"


SIGNER_SUBJECTS: dict[SignerEmail, Callable[[str], str]] = {
    SignerEmail.CONFIRMATION_REQUEST: lambda title: _(
        "Please confirm your signature: %(title)s", title=title
    ),
    SignerEmail.DUPLICATE_NOTICE: lambda title: _(
        "You have already signed: %(title)s", title=title
    ),
    SignerEmail.CAMPAIGN_OUTCOME: lambda title: _(
        "Campaign closed: %(title)s", title=title
    ),
}


OUTBOX = OutboxMessage.__table__
_INSERT_MESSAGE = insert(OUTBOX)  # built once: signing runs it


def queue_signer_email(kind: SignerEmail, signature_id: int, to: str) -> None:
    """Queue an email to a signer, to be rendered when sent (not committed)."""
    db.session.connection().execute(
        _INSERT_MESSAGE, {"recipient": to, "kind": kind, "signature_id": signature_id}
    )


def queue_signer_emails(kind: SignerEmail, where: ColumnElement[bool]) -> int:
    """Queue an email to every signature matching `where`, in one statement.

    Returns how many were queued (not committed).
    """
    now = literal(utcnow(), UTCDateTime())
    rows = select(Signature.id, Signature.email, literal(str(kind)), now, now)
    queued = db.session.scalars(
        insert(OUTBOX)
        .from_select(
            ["signature_id", "recipient", "kind", "created_at", "next_attempt_at"],
            rows.where(where),
        )
        .returning(OUTBOX.c.id)  # rowcount is not reported for INSERT on PostgreSQL
    )
    return len(queued.all())


def _signer_links(signature: Signature, kind: SignerEmail) -> dict[str, str]:
    """The links an email to a signer carries (the data page is added by _render)."""
    public_id = signature.public_id
    links = {
        "confirm_url": url_for(
            "public.confirm", token=tokens.make_confirm_token(public_id), _external=True
        ),
        "withdraw_url": url_for(
            "public.withdraw",
            token=tokens.make_withdraw_token(public_id),
            _external=True,
        ),
        "campaign_url": url_for(
            "public.campaign_detail", slug=signature.campaign.slug, _external=True
        ),
    }
    if kind is SignerEmail.CAMPAIGN_OUTCOME:  # sent to those kept informed
        links["unsubscribe_url"] = url_for(
            "public.unsubscribe",
            token=tokens.make_unsubscribe_token(public_id),
            _external=True,
        )
    return links


def render_signer_email(kind: SignerEmail, signature: Signature) -> Content:
    """Render an email to a signer, in the language they signed in."""
    campaign = signature.campaign
    with force_locale(signature.locale):
        return _render(
            kind,
            to=signature.email,
            subject=SIGNER_SUBJECTS[kind](campaign.title),
            signature=signature,
            campaign=campaign,
            **_signer_links(signature, kind),
        )


def content_of(message: OutboxMessage) -> Content:
    """What an outbox message says: as stored, or rendered now for a signer."""
    if message.signature_id is None:
        return Content(
            message.subject or "", message.body_text or "", message.body_html
        )
    signature = message.signature
    if signature is None:  # cannot happen: deleting a signature deletes its mail
        raise LookupError(message.signature_id)
    return render_signer_email(SignerEmail(message.kind), signature)


def _statement_links(statement: Statement) -> dict[str, str]:
    return {
        "confirm_url": url_for(
            "public.statement_confirm",
            token=tokens.make_statement_confirm_token(statement.id),
            _external=True,
        ),
        "withdraw_url": url_for(
            "public.statement_withdraw",
            token=tokens.make_statement_withdraw_token(statement.id),
            _external=True,
        ),
        "statement_url": url_for(
            "public.statement_detail",
            slug=statement.campaign.slug,
            statement_id=statement.id,
            _external=True,
        ),
    }


def queue_statement_confirmation(statement: Statement) -> OutboxMessage:
    """Ask the author of a new statement to confirm it; the email can withdraw it."""
    return _queue(
        "statement_confirmation",
        to=statement.email,
        subject=_(
            "Please confirm your statement of support: %(title)s",
            title=statement.campaign.title,
        ),
        statement=statement,
        **_statement_links(statement),
    )


def queue_statement_published(statement: Statement) -> OutboxMessage:
    """Tell an author that the organizers published their statement."""
    return _queue(
        "statement_published",
        to=statement.email,
        subject=_(
            "Your statement of support is published: %(title)s",
            title=statement.campaign.title,
        ),
        statement=statement,
        **_statement_links(statement),
    )


def queue_statement_edited(statement: Statement, old_body: str) -> OutboxMessage:
    """Tell an author that an organizer changed the text of their statement."""
    return _queue(
        "statement_edited",
        to=statement.email,
        subject=_(
            "The organizers changed your statement: %(title)s",
            title=statement.campaign.title,
        ),
        statement=statement,
        old_body=old_body,
        **_statement_links(statement),
    )


def notify_organizer_of_waiting_statements(
    campaign: Campaign, *, to: str, waiting: int
) -> OutboxMessage:
    """Tell one organizer that statements are waiting for moderation."""
    return _queue(
        "statement_digest",
        to=to,
        subject=_("Statements of support are waiting: %(title)s", title=campaign.title),
        campaign=campaign,
        waiting=waiting,
        queue_url=url_for(
            "organizer.statement_queue", slug=campaign.slug, _external=True
        ),
    )


def queue_login_link(organizer: Organizer, token: str) -> OutboxMessage:
    """Send an organizer a single-use link that logs them in."""
    return _queue(
        "login_link",
        to=organizer.email,
        subject=_("Your login link for %(site)s", site=current_app.config["SITE_NAME"]),
        organizer=organizer,
        login_url=url_for("organizer.login_with_link", token=token, _external=True),
    )


def queue_invitation(
    organizer: Organizer, invited_by: Organizer, token: str
) -> OutboxMessage:
    """Invite a new organizer, with a single-use link to log in and set a password."""
    return _queue(
        "invitation",
        to=organizer.email,
        subject=_(
            "You are invited to organize on %(site)s",
            site=current_app.config["SITE_NAME"],
        ),
        organizer=organizer,
        invited_by=invited_by,
        login_url=url_for("organizer.accept_invitation", token=token, _external=True),
    )


def queue_signer_data_link(address: str) -> OutboxMessage:
    """Send someone who asked for it the link to what we hold about them."""
    return _queue(
        "signer_data_link",
        to=address,
        subject=_("Your data on %(site)s", site=current_app.config["SITE_NAME"]),
    )
