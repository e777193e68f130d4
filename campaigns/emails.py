"""One function per email; each renders the message into the outbox, never sends it."""

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from campaigns import addresses, tokens
from campaigns.extensions import db
from campaigns.models import Campaign, Organizer, OutboxMessage, Signature, Statement


def data_url(address: str) -> str:
    """Link to the page where the owner of `address` sees and erases their data."""
    token = tokens.make_signer_data_token(addresses.canonical_key(address))
    return url_for("public.my_data", token=token, _external=True)


def _queue(template: str, *, to: str, subject: str, **context: object) -> OutboxMessage:
    """Render email/<template>.txt and .html into an outbox row (not committed).

    Every message carries a link to the recipient's data page (`data_url`).
    """
    context.setdefault("data_url", data_url(to))
    message = OutboxMessage(
        recipient=to,
        subject=" ".join(subject.split()),  # no newline can reach a header
        body_text=render_template(f"email/{template}.txt", **context),
        body_html=render_template(f"email/{template}.html", **context),
        kind=template,
    )
    db.session.add(message)
    return message


def _signature_links(signature: Signature) -> dict[str, str]:
    """The links every email to a signer carries (the data page is added by _queue)."""
    return {
        "confirm_url": url_for(
            "public.confirm",
            token=tokens.make_confirm_token(signature.public_id),
            _external=True,
        ),
        "withdraw_url": url_for(
            "public.withdraw",
            token=tokens.make_withdraw_token(signature.public_id),
            _external=True,
        ),
        "campaign_url": url_for(
            "public.campaign_detail", slug=signature.campaign.slug, _external=True
        ),
    }


def queue_confirmation_request(signature: Signature) -> OutboxMessage:
    """Ask a new signer to confirm their signature."""
    signature.emails_sent += 1
    return _queue(
        "confirmation_request",
        to=signature.email,
        subject=_(
            "Please confirm your signature: %(title)s", title=signature.campaign.title
        ),
        signature=signature,
        **_signature_links(signature),
    )


def queue_duplicate_notice(signature: Signature) -> OutboxMessage:
    """Tell someone who signed again that their confirmed signature already counts."""
    signature.emails_sent += 1
    return _queue(
        "duplicate_notice",
        to=signature.email,
        subject=_("You have already signed: %(title)s", title=signature.campaign.title),
        signature=signature,
        **_signature_links(signature),
    )


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


def queue_campaign_outcome(signature: Signature, campaign: Campaign) -> OutboxMessage:
    """Tell a signer who asked to be kept informed how a campaign ended."""
    return _queue(
        "campaign_outcome",
        to=signature.email,
        subject=_("Campaign closed: %(title)s", title=campaign.title),
        signature=signature,
        campaign=campaign,
        **_signature_links(signature),
        unsubscribe_url=url_for(
            "public.unsubscribe",
            token=tokens.make_unsubscribe_token(signature.public_id),
            _external=True,
        ),
    )


def queue_signer_data_link(address: str) -> OutboxMessage:
    """Send someone who asked for it the link to what we hold about them."""
    return _queue(
        "signer_data_link",
        to=address,
        subject=_("Your data on %(site)s", site=current_app.config["SITE_NAME"]),
    )
