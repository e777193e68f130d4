"""One function per email; each renders the message into the outbox, never sends it."""

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from campaigns import addresses, tokens
from campaigns.extensions import db
from campaigns.models import OutboxMessage, Signature


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
    return {
        "confirm_url": url_for(
            "public.confirm",
            token=tokens.make_confirm_token(signature.id),
            _external=True,
        ),
        "withdraw_url": url_for(
            "public.withdraw",
            token=tokens.make_withdraw_token(signature.id),
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


def queue_signer_data_link(address: str) -> OutboxMessage:
    """Send someone who asked for it the link to what we hold about them."""
    return _queue(
        "signer_data_link",
        to=address,
        subject=_("Your data on %(site)s", site=current_app.config["SITE_NAME"]),
    )
