"""Organizer accounts: creating, inviting, passwords, and single-use login links."""

from functools import cache

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from campaigns import addresses, emails, tokens
from campaigns.clock import utcnow
from campaigns.errors import AccountError, InvalidTokenError
from campaigns.extensions import db
from campaigns.models import Organizer

HASH_METHOD = "scrypt"


@cache
def _dummy_hash() -> str:
    """A hash to check against when no account matches, so timing reveals nothing."""
    return generate_password_hash("not a real password", method=HASH_METHOD)


def find_by_email(email: str) -> Organizer | None:
    """Return the organizer with this address (case-insensitive), if any."""
    return db.session.scalar(
        select(Organizer).where(Organizer.email == email.strip().lower())
    )


def _checked_email(email: str) -> str:
    try:
        return addresses.normalise(email).lower()
    except addresses.InvalidAddressError as error:
        raise AccountError(str(error)) from error


def check_password_strength(password: str) -> None:
    """Raise AccountError unless the password is long enough to be worth having."""
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        raise AccountError("password too short")


def create_organizer(
    email: str, *, password: str | None, name: str = "", is_admin: bool = False
) -> Organizer:
    """Create an account; without a password it can log in only by emailed link.

    Raises AccountError if the address is invalid or taken, or the password weak.
    """
    email = _checked_email(email)
    if find_by_email(email) is not None:
        raise AccountError("address taken")
    organizer = Organizer(email=email, name=name.strip(), is_admin=is_admin)
    if password is not None:
        check_password_strength(password)
        organizer.password_hash = generate_password_hash(password, method=HASH_METHOD)
    db.session.add(organizer)
    db.session.commit()
    return organizer


def invite(email: str, *, name: str, invited_by: Organizer) -> Organizer:
    """Create an account without a password and email its owner a way in.

    Raises AccountError if the address is invalid or already has an account.
    """
    organizer = create_organizer(email, password=None, name=name)
    emails.queue_invitation(organizer, invited_by, _login_token(organizer, invite=True))
    db.session.commit()
    return organizer


def authenticate(email: str, password: str) -> Organizer | None:
    """Return the organizer if the password matches, else None (whatever the cause)."""
    organizer = find_by_email(email)
    stored = organizer.password_hash if organizer is not None else None
    matches = check_password_hash(stored or _dummy_hash(), password)
    if organizer is None or stored is None or not matches:
        return None
    return organizer


def record_login(organizer: Organizer) -> None:
    """Note the login time; this also spends every login link issued before it."""
    organizer.last_login_at = utcnow()
    db.session.commit()


def change_password(organizer: Organizer, new_password: str) -> None:
    """Set a new password and end every other session of this account.

    Raises AccountError if the password is too weak.
    """
    check_password_strength(new_password)
    organizer.password_hash = generate_password_hash(new_password, method=HASH_METHOD)
    organizer.session_version += 1
    db.session.commit()


def _token_state(organizer: Organizer) -> list[object]:
    last = organizer.last_login_at.isoformat() if organizer.last_login_at else ""
    return [organizer.id, organizer.session_version, last]


def _login_token(organizer: Organizer, *, invite: bool = False) -> str:
    purpose = tokens.INVITATION if invite else tokens.LOGIN_LINK
    return tokens.make_token(purpose, _token_state(organizer))


def send_login_link(email: str) -> None:
    """Email a login link if an account has this address; say nothing otherwise."""
    organizer = find_by_email(email)
    if organizer is None:
        return
    emails.queue_login_link(organizer, _login_token(organizer))
    db.session.commit()


def use_login_token(token: str, *, invite: bool = False) -> Organizer:
    """Return the organizer a login (or invitation) link is for, and spend the link.

    A link works once: it names the last login, which using it changes.
    Raises InvalidTokenError (ExpiredTokenError when merely old).
    """
    purpose = tokens.INVITATION if invite else tokens.LOGIN_LINK
    key = "INVITATION_MAX_AGE" if invite else "LOGIN_LINK_MAX_AGE"
    payload = tokens.read_token(purpose, token, current_app.config[key])
    if not isinstance(payload, list) or len(payload) != 3:
        raise InvalidTokenError
    organizer = db.session.get(Organizer, payload[0]) if payload[0] else None
    if organizer is None or _token_state(organizer) != payload:
        raise InvalidTokenError
    record_login(organizer)
    return organizer


def accept_invitation(token: str, password: str) -> Organizer:
    """Set the first password of an invited organizer, spending the invitation.

    Raises AccountError for a weak password (the link stays usable) and
    InvalidTokenError for a bad, used or expired link.
    """
    check_password_strength(password)
    organizer = use_login_token(token, invite=True)
    change_password(organizer, password)
    return organizer


def all_organizers() -> list[Organizer]:
    """Return every account, admins first, then by address."""
    return list(
        db.session.scalars(
            select(Organizer).order_by(Organizer.is_admin.desc(), Organizer.email)
        )
    )


def count_admins() -> int:
    """Return how many admin accounts exist."""
    return db.session.scalar(
        select(func.count()).select_from(Organizer).where(Organizer.is_admin)
    )


def remove(organizer: Organizer) -> None:
    """Delete an account and its campaign roles; the last admin cannot be removed.

    Raises AccountError.
    """
    if organizer.is_admin and count_admins() <= 1:
        raise AccountError("last admin")
    db.session.delete(organizer)
    db.session.commit()
