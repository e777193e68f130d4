"""Signing a campaign, confirming by email, and withdrawing."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from campaigns import addresses, emails, tokens
from campaigns.clock import utcnow
from campaigns.errors import CampaignNotOpenError, ExpiredTokenError, InvalidTokenError
from campaigns.extensions import db
from campaigns.models import Campaign, Signature
from campaigns.services import counting, fraud


@dataclass(frozen=True)
class SignerDetails:
    """What a person typed into the sign form, already checked for shape."""

    full_name: str
    email: str
    country: str
    comment: str = ""
    show_name: bool = False
    keep_informed: bool = False
    locale: str = "en"


def _new_signature(campaign: Campaign, details: SignerDetails) -> Signature:
    now = utcnow()
    wording = current_app.config["CONSENT_WORDING_VERSION"]
    email = addresses.normalise(details.email)
    return Signature(
        campaign=campaign,
        full_name=" ".join(details.full_name.split()),
        email=email,
        email_key=addresses.canonical_key(email),
        country=details.country,
        comment=details.comment.strip() or None,
        locale=details.locale,
        public_name_at=now if details.show_name else None,
        public_name_wording=wording if details.show_name else None,
        keep_informed_at=now if details.keep_informed else None,
        keep_informed_wording=wording if details.keep_informed else None,
        created_at=now,
        emails_sent=0,
    )


def find_signature(campaign: Campaign, email: str) -> Signature | None:
    """Return the signature of this address (any spelling of it) on the campaign."""
    key = addresses.canonical_key(addresses.normalise(email))
    return db.session.scalar(
        select(Signature).where(
            Signature.campaign_id == campaign.id, Signature.email_key == key
        )
    )


def _may_email(signature: Signature) -> bool:
    return signature.emails_sent < current_app.config["MAX_EMAILS_PER_SIGNATURE"]


def _repeat(existing: Signature) -> Signature:
    """Someone signed again: re-send what helps them, never more than a few emails."""
    if existing.is_withdrawn:
        existing.withdrawn_at = None
        existing.confirmed_at = None
        existing.signer_number = None
    if _may_email(existing):
        if existing.is_confirmed:
            emails.queue_duplicate_notice(existing)
        else:
            emails.queue_confirmation_request(existing)
    db.session.commit()
    return existing


def sign(
    campaign: Campaign, details: SignerDetails, origin: fraud.Origin | None = None
) -> Signature:
    """Record a pending signature and queue its confirmation email, in one transaction.

    Signing again with the same address makes no second signature: a pending one gets
    its email again, a confirmed one a "you already signed" notice, both bounded by
    MAX_EMAILS_PER_SIGNATURE. The caller shows the same page either way. A new
    signature tripping a fraud rule is marked suspect, silently (see services.fraud).
    Raises CampaignNotOpenError and addresses.InvalidAddressError.
    """
    origin = origin or fraud.Origin()
    if not campaign.accepts_signatures(utcnow()):
        raise CampaignNotOpenError(campaign.slug)
    existing = find_signature(campaign, details.email)
    if existing is not None:
        return _repeat(existing)
    signature = _new_signature(campaign, details)
    signature.ip_hash = origin.ip_hash
    # Every read and the email happen first: the write transaction (and SQLite's
    # single write lock) then holds only the INSERTs and the COMMIT.
    with db.session.no_autoflush:  # nothing is written before the reads are done
        verdict = fraud.screen(signature, origin)
        emails.queue_confirmation_request(signature)
    db.session.add(signature)
    try:
        verdict.apply(campaign.id)
        db.session.commit()
    except IntegrityError:  # signed concurrently with the same address
        db.session.rollback()
        return _repeat(find_signature(campaign, details.email))  # type: ignore[arg-type]
    return signature


def _with_campaign() -> Select[tuple[Signature]]:
    """Signatures loaded with their campaign, which every page about one shows."""
    return select(Signature).options(joinedload(Signature.campaign))


def _reload(signature: Signature) -> Signature:
    """Read a signature and its campaign again after a commit, in one query."""
    return db.session.scalars(
        _with_campaign()
        .where(Signature.id == signature.id)
        .execution_options(populate_existing=True)
    ).one()


def _load(public_id: str) -> Signature:
    signature = db.session.scalar(
        _with_campaign().where(Signature.public_id == public_id)
    )
    if signature is None:
        raise InvalidTokenError
    return signature


def signature_for_confirm_token(token: str) -> Signature:
    """Return the signature a confirmation link is for. Raises InvalidTokenError."""
    return _load(tokens.read_confirm_token(token))


def signature_for_withdraw_token(token: str) -> Signature:
    """Return the signature a withdraw link is for. Raises InvalidTokenError."""
    return _load(tokens.read_withdraw_token(token))


def confirm(token: str) -> Signature:
    """Confirm the signature named by `token`; confirming twice changes nothing.

    The row is claimed with a guarded UPDATE so that two clicks racing each other
    count once. Raises InvalidTokenError, ExpiredTokenError, CampaignNotOpenError.
    """
    signature = signature_for_confirm_token(token)
    if signature.is_confirmed or signature.is_withdrawn:
        return signature
    if not signature.campaign.accepts_signatures(utcnow()):
        raise CampaignNotOpenError(signature.campaign.slug)
    # One UPDATE claims the row and numbers the signer from the tally it joins (a
    # suspect sees the number it would have had, but is not counted).
    claimed = db.session.execute(
        update(Signature)
        .where(
            Signature.id == signature.id,
            Signature.confirmed_at.is_(None),
            Signature.withdrawn_at.is_(None),
        )
        .values(
            confirmed_at=utcnow(),
            signer_number=counting.total_expression(signature.campaign_id) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1 and not signature.is_suspect:
        counting.add(signature.campaign_id, 1)
    db.session.commit()
    return _reload(signature)


def _mark_withdrawn(signature_id: int, *, counted: bool) -> bool:
    was = Signature.counts if counted else ~Signature.counts
    result = db.session.execute(
        update(Signature)
        .where(Signature.id == signature_id, Signature.withdrawn_at.is_(None), was)
        .values(withdrawn_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def withdraw(token: str) -> Signature:
    """Withdraw the signature named by `token`; it leaves the count. Idempotent.

    Raises InvalidTokenError.
    """
    return withdraw_signature(signature_for_withdraw_token(token))


def withdraw_signature(signature: Signature) -> Signature:
    """Withdraw a signature; if it counted, the tally follows. Idempotent."""
    if _mark_withdrawn(signature.id, counted=True):
        counting.add(signature.campaign_id, -1)
    else:
        _mark_withdrawn(signature.id, counted=False)
    db.session.commit()
    return _reload(signature)


def resend_confirmation(signature: Signature) -> bool:
    """Queue a new confirmation email for a pending signature, within the bound.

    Returns whether an email was queued.
    """
    if signature.is_confirmed or not _may_email(signature):
        return False
    emails.queue_confirmation_request(signature)
    db.session.commit()
    return True


def signature_for_expired_confirm_token(token: str) -> Signature:
    """Return the signature of a genuine confirmation link, however old.

    Used only to send a fresh link to the address already on file, so an old token
    grants nothing but another email. Raises InvalidTokenError.
    """
    try:
        return _load(tokens.read_confirm_token(token))
    except ExpiredTokenError as expired:
        if not tokens.is_public_id(expired.payload):
            raise InvalidTokenError from expired
        return _load(expired.payload)


def signature_for_unsubscribe_token(token: str) -> Signature:
    """Return the signature an unsubscribe link is for. Raises InvalidTokenError."""
    return _load(tokens.read_unsubscribe_token(token))


def unsubscribe(token: str) -> Signature:
    """Stop keeping the signer informed; the signature itself still counts.

    Idempotent. Raises InvalidTokenError.
    """
    signature = signature_for_unsubscribe_token(token)
    signature.keep_informed_at = None
    signature.keep_informed_wording = None
    db.session.commit()
    return signature
