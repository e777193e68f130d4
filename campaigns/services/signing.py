"""Signing a campaign, confirming by email, and withdrawing."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import Select, bindparam, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from campaigns import addresses, emails, tokens
from campaigns.clock import utcnow
from campaigns.errors import CampaignNotOpenError, ExpiredTokenError, InvalidTokenError
from campaigns.extensions import db
from campaigns.models import Campaign, Signature
from campaigns.models.signature import domain_of, new_public_id
from campaigns.models.types import UTCDateTime
from campaigns.services import counting, fraud

# Signing inserts through the table: the ORM's unit of work costs more than the INSERT.
SIGNATURES = Signature.__table__
WITH_CAMPAIGN = joinedload(Signature.campaign)


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


def _signature_row(
    campaign_id: int, details: SignerDetails, origin: fraud.Origin, now: datetime
) -> dict[str, object]:
    """The columns of a new signature, ready for one INSERT."""
    wording = current_app.config["CONSENT_WORDING_VERSION"]
    email = addresses.normalise(details.email)
    key = addresses.canonical_key(email)
    return {
        "campaign_id": campaign_id,
        "public_id": new_public_id(),
        "full_name": " ".join(details.full_name.split()),
        "email": email,
        "email_key": key,
        "email_domain": domain_of(key),
        "country": details.country,
        "comment": details.comment.strip() or None,
        "locale": details.locale,
        "public_name_at": now if details.show_name else None,
        "public_name_wording": wording if details.show_name else None,
        "keep_informed_at": now if details.keep_informed else None,
        "keep_informed_wording": wording if details.keep_informed else None,
        "created_at": now,
        "ip_hash": origin.ip_hash,
        "emails_sent": 1,  # the confirmation request queued with it
        "suspect_reason": None,
        "suspect_at": None,
    }


# Built once: on the signing path, building a statement costs more than running it.
_SIGNATURE_OF_ADDRESS = select(Signature.id).where(
    Signature.campaign_id == bindparam("campaign_id"),
    Signature.email_key == bindparam("email_key"),
)
# Every column but the ones confirming, withdrawing and reviewing fill later:
# `_signature_row` gives each a value (a column it forgets fails every signing).
_FILLED_LATER = frozenset(
    {"id", "confirmed_at", "withdrawn_at", "signer_number", "cleared_at", "rejected_at"}
)
_NEW_SIGNATURE_COLUMNS = tuple(
    column.name for column in SIGNATURES.c if column.name not in _FILLED_LATER
)
# Records a new signature only if its campaign takes signatures at that moment: the
# rule is checked in the statement that writes, so no campaign is read beforehand
# and none closing meanwhile gets a signature after its close. Returns the new id.
_INSERT_IF_OPEN = (
    insert(SIGNATURES)
    .from_select(
        _NEW_SIGNATURE_COLUMNS,
        select(
            *(
                bindparam(name, type_=SIGNATURES.c[name].type)
                for name in _NEW_SIGNATURE_COLUMNS
            )
        ).where(
            exists().where(
                Campaign.id == bindparam("campaign_id"),
                Campaign.accepts_signatures(bindparam("created_at")),
            )
        ),
        include_defaults=False,
    )
    .returning(SIGNATURES.c.id)
)


def _may_email(signature: Signature) -> bool:
    return signature.emails_sent < current_app.config["MAX_EMAILS_PER_SIGNATURE"]


def _email(signature: Signature, kind: emails.SignerEmail) -> None:
    signature.emails_sent += 1
    emails.queue_signer_email(kind, signature.id, signature.email)


def _repeat(existing: Signature) -> int:
    """Someone signed again: re-send what helps them, never more than a few emails."""
    if existing.is_withdrawn:
        existing.withdrawn_at = None
        existing.confirmed_at = None
        existing.signer_number = None
    if _may_email(existing):
        if existing.is_confirmed:
            _email(existing, emails.SignerEmail.DUPLICATE_NOTICE)
        else:
            _email(existing, emails.SignerEmail.CONFIRMATION_REQUEST)
    signature_id = existing.id
    db.session.commit()
    return signature_id


def sign(
    campaign_id: int, details: SignerDetails, origin: fraud.Origin | None = None
) -> int:
    """Record a pending signature and queue its confirmation email; return its id.

    Signing again with the same address makes no second signature: a pending one gets
    its email again, a confirmed one a "you already signed" notice, both bounded by
    MAX_EMAILS_PER_SIGNATURE. The caller shows the same page either way. A new
    signature tripping a fraud rule is marked suspect, silently (see services.fraud).
    Raises CampaignNotOpenError (also for an unknown campaign) and
    addresses.InvalidAddressError.
    """
    origin = origin or fraud.Origin()
    row = _signature_row(campaign_id, details, origin, utcnow())
    verdict = fraud.screen(campaign_id, str(row["email_domain"]), origin)
    # The reads happen first: the write transaction (and SQLite's single write lock)
    # then holds only two small INSERTs and the COMMIT. Most signers are new, so the
    # INSERT is tried at once and the address's unique key catches the others.
    try:
        signature_id = db.session.connection().scalar(
            _INSERT_IF_OPEN, row | verdict.marks()
        )
    except IntegrityError:
        db.session.rollback()
        existing = _signature_of_address(campaign_id, str(row["email_key"]))
        if existing is None:
            raise  # not the address's unique key: nothing to answer
        return _repeat(existing)
    if signature_id is None:
        db.session.rollback()
        raise CampaignNotOpenError(str(campaign_id))
    emails.queue_signer_email(
        emails.SignerEmail.CONFIRMATION_REQUEST, signature_id, str(row["email"])
    )
    verdict.apply(campaign_id)
    db.session.commit()
    return signature_id


def _signature_of_address(campaign_id: int, email_key: str) -> Signature | None:
    """The campaign's signature of this canonical address, if there is one."""
    signature_id = db.session.scalar(
        _SIGNATURE_OF_ADDRESS, {"campaign_id": campaign_id, "email_key": email_key}
    )
    return None if signature_id is None else db.session.get(Signature, signature_id)


def _with_campaign() -> Select[tuple[Signature]]:
    """Signatures loaded with their campaign, which every page about one shows."""
    return select(Signature).options(WITH_CAMPAIGN)


def _reload(signature: Signature) -> Signature:
    """Read a signature and its campaign again after a commit, in one query."""
    return db.session.scalars(
        _with_campaign()
        .where(Signature.id == signature.id)
        .execution_options(populate_existing=True)
    ).one()


_BY_PUBLIC_ID = _with_campaign().where(Signature.public_id == bindparam("public_id"))


def _load(public_id: str) -> Signature:
    signature = db.session.scalar(_BY_PUBLIC_ID, {"public_id": public_id})
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
    now = utcnow()
    if not signature.campaign.accepts_signatures(now):
        raise CampaignNotOpenError(signature.campaign.slug)
    number = _claim(signature.id, signature.campaign_id, now)
    if number is None:  # another click confirmed or withdrew it meanwhile
        db.session.commit()
        return _reload(signature)
    if not signature.is_suspect:
        counting.add(signature.campaign_id, 1)
    _keep_through_commit(signature)
    db.session.commit()
    signature.confirmed_at, signature.signer_number = now, number
    return signature


_PENDING = SIGNATURES.c
# Marks a pending signature confirmed and numbers it from the tally it joins (a
# suspect sees the number it would have had, but is not counted). Built once.
_CLAIM = (
    update(SIGNATURES)
    .where(
        _PENDING.id == bindparam("claimed_id"),
        _PENDING.confirmed_at.is_(None),
        _PENDING.withdrawn_at.is_(None),
    )
    .values(
        confirmed_at=bindparam("claimed_at", type_=UTCDateTime()),
        signer_number=counting.total_expression(bindparam("claimed_campaign")) + 1,
    )
    .returning(_PENDING.signer_number)
)


def _claim(signature_id: int, campaign_id: int, now: datetime) -> int | None:
    """Confirm a pending signature; return its signer number, None if not pending."""
    return db.session.connection().scalar(
        _CLAIM,
        {
            "claimed_id": signature_id,
            "claimed_at": now,
            "claimed_campaign": campaign_id,
        },
    )


def _keep_through_commit(signature: Signature) -> None:
    """Detach a signature and its campaign, so that committing does not expire them.

    The page after confirming shows what was just read and written: reading it all
    again after the commit would cost as much as the confirmation itself.
    """
    db.session.expunge(signature.campaign)
    db.session.expunge(signature)


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
    _email(signature, emails.SignerEmail.CONFIRMATION_REQUEST)
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
