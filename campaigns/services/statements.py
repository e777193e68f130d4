"""Statements of support: submit, confirm by email, moderate, withdraw, list, count."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.orm import selectinload

from campaigns import addresses, emails, plaintext, tokens
from campaigns.clock import utcnow
from campaigns.errors import (
    CampaignNotOpenError,
    InvalidTokenError,
    StatementNotWaitingError,
)
from campaigns.extensions import db
from campaigns.models import Campaign, Organizer, Statement, StatementEdit
from campaigns.services import statement_digests

STATEMENT_MAX_CHARS = 2000


@dataclass(frozen=True)
class AuthorDetails:
    """What an author typed into the statement form, already checked for shape."""

    author_name: str
    email: str
    country: str
    body: str
    role: str = ""
    organisation: str = ""
    on_behalf: bool = False
    publish: bool = False
    locale: str = "en"


@dataclass(frozen=True)
class StatementCounts:
    """How many approved statements a campaign shows, by kind of author."""

    organisations: int
    individuals: int

    @property
    def total(self) -> int:
        """All approved statements."""
        return self.organisations + self.individuals


def _new_statement(campaign: Campaign, details: AuthorDetails) -> Statement:
    email = addresses.normalise(details.email)
    organisation = plaintext.tidy_line(details.organisation)
    return Statement(
        campaign=campaign,
        author_name=plaintext.tidy_line(details.author_name),
        role=plaintext.tidy_line(details.role),
        organisation=organisation,
        on_behalf=details.on_behalf and bool(organisation),
        country=details.country,
        body=plaintext.tidy_block(details.body),
        email=email,
        email_key=addresses.canonical_key(email),
        locale=details.locale,
        publish_consent_at=utcnow() if details.publish else None,
        publish_consent_wording=(
            current_app.config["CONSENT_WORDING_VERSION"] if details.publish else None
        ),
    )


def _recent_pending(campaign: Campaign, email_key: str) -> int:
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(
        select(func.count()).where(
            Statement.campaign_id == campaign.id,
            Statement.email_key == email_key,
            Statement.confirmed_at.is_(None),
            Statement.created_at >= since,
        )
    )


def submit(campaign: Campaign, details: AuthorDetails) -> Statement | None:
    """Record a pending statement and queue its confirmation email, in one transaction.

    Returns None, storing and sending nothing, once an address has
    MAX_PENDING_STATEMENTS_PER_ADDRESS unconfirmed statements on the campaign from the
    last day: the caller shows the same page either way, so nothing reveals whether
    the address was used before. Raises CampaignNotOpenError, InvalidAddressError.
    """
    if not campaign.accepts_signatures(utcnow()):
        raise CampaignNotOpenError(campaign.slug)
    email_key = addresses.canonical_key(addresses.normalise(details.email))
    limit = current_app.config["MAX_PENDING_STATEMENTS_PER_ADDRESS"]
    if _recent_pending(campaign, email_key) >= limit:
        return None
    statement = _new_statement(campaign, details)
    db.session.add(statement)
    db.session.flush()  # the id goes into the email's links
    emails.queue_statement_confirmation(statement)
    db.session.commit()
    return statement


def _load(statement_id: int) -> Statement:
    statement = db.session.get(Statement, statement_id)
    if statement is None:
        raise InvalidTokenError
    return statement


def statement_for_confirm_token(token: str) -> Statement:
    """Return the statement a confirmation link is for. Raises InvalidTokenError."""
    return _load(tokens.read_statement_confirm_token(token))


def statement_for_withdraw_token(token: str) -> Statement:
    """Return the statement a withdraw link is for. Raises InvalidTokenError."""
    return _load(tokens.read_statement_withdraw_token(token))


def confirm(token: str) -> Statement:
    """Confirm the statement named by `token` into the moderation queue. Idempotent.

    The first confirmation may queue the organizers' digest email, in the same
    transaction. Raises InvalidTokenError (ExpiredTokenError for an old link).
    """
    statement = statement_for_confirm_token(token)
    claimed = db.session.execute(
        update(Statement)
        .where(
            Statement.id == statement.id,
            Statement.confirmed_at.is_(None),
            Statement.withdrawn_at.is_(None),
        )
        .values(confirmed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:
        statement_digests.queue_if_due(statement.campaign)
    db.session.commit()
    db.session.refresh(statement)
    return statement


def withdraw(token: str) -> Statement:
    """Withdraw the statement named by `token` from page, counts and exports.

    Idempotent. Raises InvalidTokenError.
    """
    statement = statement_for_withdraw_token(token)
    db.session.execute(
        update(Statement)
        .where(Statement.id == statement.id, Statement.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(statement)
    return statement


def _check_actionable(statement: Statement) -> None:
    if not statement.is_confirmed or statement.is_withdrawn:
        raise StatementNotWaitingError(statement.id)


def approve(statement: Statement, moderator: Organizer) -> None:
    """Publish a confirmed statement and tell its author.

    Raises StatementNotWaitingError.
    """
    _check_actionable(statement)
    if not statement.is_approved:
        emails.queue_statement_published(statement)
    statement.approved_at = utcnow()
    statement.rejected_at = None
    statement.rejection_reason = None
    statement.moderated_by_id = moderator.id
    db.session.commit()


def reject(statement: Statement, moderator: Organizer, reason: str = "") -> None:
    """Keep a statement off the page, with an optional internal reason.

    Raises StatementNotWaitingError.
    """
    _check_actionable(statement)
    statement.rejected_at = utcnow()
    statement.approved_at = None
    statement.rejection_reason = plaintext.tidy_block(reason) or None
    statement.moderated_by_id = moderator.id
    db.session.commit()


def edit(statement: Statement, moderator: Organizer, body: str) -> bool:
    """Change a statement's text, record who changed what, and tell the author.

    Returns False, changing nothing, if the text is the same.

    Raises StatementNotWaitingError.
    """
    _check_actionable(statement)
    new_body = plaintext.tidy_block(body)
    if not new_body or new_body == statement.body:
        return False
    now = utcnow()
    db.session.add(
        StatementEdit(
            statement=statement,
            editor_id=moderator.id,
            edited_at=now,
            old_body=statement.body,
            new_body=new_body,
        )
    )
    old_body, statement.body = statement.body, new_body
    statement.last_edited_at = now
    emails.queue_statement_edited(statement, old_body)
    db.session.commit()
    return True


def mark_forwarded(statement: Statement, on: date | None) -> None:
    """Record the day the statement was forwarded to the target (None: not yet).

    Raises StatementNotWaitingError.
    """
    _check_actionable(statement)
    statement.forwarded_on = on
    db.session.commit()


def _public(campaign: Campaign) -> ColumnElement[bool]:
    return and_(
        Statement.campaign_id == campaign.id,
        Statement.approved_at.is_not(None),
        Statement.withdrawn_at.is_(None),
    )


def _by_organisation() -> ColumnElement[bool]:
    return and_(Statement.on_behalf.is_(True), Statement.organisation != "")


def counts(campaign: Campaign) -> StatementCounts:
    """Count a campaign's public statements, consent to publish or not, by kind."""
    organisations, total = db.session.execute(
        select(
            func.coalesce(func.sum(case((_by_organisation(), 1), else_=0)), 0),
            func.count(),
        ).where(_public(campaign))
    ).one()
    return StatementCounts(int(organisations), int(total) - int(organisations))


def public_statements(
    campaign: Campaign, *, limit: int, offset: int = 0
) -> list[Statement]:
    """Return a campaign's public statements, most recently approved first."""
    return list(
        db.session.scalars(
            select(Statement)
            .where(_public(campaign))
            .order_by(Statement.approved_at.desc(), Statement.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def public_statement(campaign: Campaign, statement_id: int) -> Statement | None:
    """Return one public statement of the campaign, or None."""
    return db.session.scalar(
        select(Statement).where(_public(campaign), Statement.id == statement_id)
    )


QUEUE_FILTERS: dict[str, ColumnElement[bool]] = {
    "waiting": and_(
        Statement.approved_at.is_(None),
        Statement.rejected_at.is_(None),
        Statement.withdrawn_at.is_(None),
    ),
    "approved": and_(
        Statement.approved_at.is_not(None), Statement.withdrawn_at.is_(None)
    ),
    "rejected": and_(
        Statement.rejected_at.is_not(None), Statement.withdrawn_at.is_(None)
    ),
    "withdrawn": Statement.withdrawn_at.is_not(None),
}


def for_moderation(
    campaign: Campaign, show: str, limit: int | None = None
) -> list[Statement]:
    """Return a campaign's confirmed statements in one queue tab, oldest first."""
    return list(
        db.session.scalars(
            select(Statement)
            .where(
                Statement.campaign_id == campaign.id,
                Statement.confirmed_at.is_not(None),
                QUEUE_FILTERS[show],
            )
            .options(selectinload(Statement.moderated_by))
            .order_by(Statement.confirmed_at, Statement.id)
            .limit(limit)
        )
    )


def one_for_moderation(campaign: Campaign, statement_id: int) -> Statement | None:
    """Return a confirmed statement of the campaign with its edit history, or None."""
    return db.session.scalar(
        select(Statement)
        .where(
            Statement.campaign_id == campaign.id,
            Statement.id == statement_id,
            Statement.confirmed_at.is_not(None),
        )
        .options(selectinload(Statement.edits).selectinload(StatementEdit.editor))
    )
