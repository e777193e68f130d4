"""Signed, expiring tokens for email links and forms; one salt per purpose."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from campaigns.errors import ExpiredTokenError, InvalidTokenError

CONFIRM_SIGNATURE = "confirm-signature"
WITHDRAW_SIGNATURE = "withdraw-signature"
SIGN_FORM = "sign-form"
CONFIRM_STATEMENT = "confirm-statement"
WITHDRAW_STATEMENT = "withdraw-statement"
STATEMENT_FORM = "statement-form"
UNSUBSCRIBE = "unsubscribe"
LOGIN_LINK = "login-link"
INVITATION = "invitation"
SIGNER_DATA = "signer-data"

# A signature's public id (see models.signature.new_public_id), never its row id.
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{16,32}")


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make_token(purpose: str, payload: Any) -> str:
    """Sign `payload` for one purpose; a token made for one purpose fails all others."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int | None) -> Any:
    """Return the payload of a genuine `purpose` token younger than `max_age` seconds.

    Raises ExpiredTokenError (carrying the payload) for a genuine but old token, and
    InvalidTokenError for anything else.
    """
    serializer = _serializer(purpose)
    try:
        return serializer.loads(token, max_age=max_age)
    except SignatureExpired as expired:
        raise ExpiredTokenError(serializer.load_payload(expired.payload)) from expired
    except (BadSignature, UnicodeError, ValueError) as bad:
        raise InvalidTokenError from bad


def read_id_token(purpose: str, token: str, max_age: int | None) -> int:
    """Read a token whose payload must be a row id."""
    payload = read_token(purpose, token, max_age)
    if not isinstance(payload, int) or isinstance(payload, bool):
        raise InvalidTokenError
    return payload


def is_public_id(payload: Any) -> bool:
    """True if `payload` has the shape of a signature's public id."""
    return isinstance(payload, str) and _PUBLIC_ID.fullmatch(payload) is not None


def read_public_id_token(purpose: str, token: str, max_age: int | None) -> str:
    """Read a token whose payload must be a signature's public id."""
    payload = read_token(purpose, token, max_age)
    if not is_public_id(payload):
        raise InvalidTokenError
    return payload


def make_confirm_token(public_id: str) -> str:
    """Token for the confirmation link of one signature (by its public id)."""
    return make_token(CONFIRM_SIGNATURE, public_id)


def read_confirm_token(token: str) -> str:
    """Signature public id from a confirmation link; raises InvalidTokenError."""
    return read_public_id_token(
        CONFIRM_SIGNATURE, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"]
    )


def make_withdraw_token(public_id: str) -> str:
    """Token for the withdraw link carried by every email about a signature."""
    return make_token(WITHDRAW_SIGNATURE, public_id)


def read_withdraw_token(token: str) -> str:
    """Signature public id from a withdraw link; raises InvalidTokenError."""
    return read_public_id_token(
        WITHDRAW_SIGNATURE, token, current_app.config["WITHDRAW_TOKEN_MAX_AGE"]
    )


def make_sign_form_token(campaign_id: int) -> str:
    """Token in a campaign's cacheable sign form, standing in for session CSRF."""
    return make_token(SIGN_FORM, campaign_id)


@dataclass(frozen=True)
class FormToken:
    """What the token of a cacheable campaign-page form says."""

    campaign_id: int
    issued_at: datetime


def _read_form_token(purpose: str, token: str, max_age: int) -> FormToken:
    try:
        payload, issued = _serializer(purpose).loads(
            token, max_age=max_age, return_timestamp=True
        )
    except (BadSignature, UnicodeError, ValueError) as bad:  # expired ones too
        raise InvalidTokenError from bad
    if not isinstance(payload, int) or isinstance(payload, bool):
        raise InvalidTokenError
    return FormToken(payload, issued.astimezone(UTC))


def read_sign_form_token(token: str) -> FormToken:
    """Campaign and time a sign form was made for; InvalidTokenError if stale."""
    return _read_form_token(SIGN_FORM, token, current_app.config["SIGN_FORM_MAX_AGE"])


def make_statement_confirm_token(statement_id: int) -> str:
    """Token for the confirmation link of one statement of support."""
    return make_token(CONFIRM_STATEMENT, statement_id)


def read_statement_confirm_token(token: str) -> int:
    """Statement id from a confirmation link; raises InvalidTokenError."""
    return read_id_token(
        CONFIRM_STATEMENT, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"]
    )


def make_statement_withdraw_token(statement_id: int) -> str:
    """Token for the link with which an author withdraws their statement."""
    return make_token(WITHDRAW_STATEMENT, statement_id)


def read_statement_withdraw_token(token: str) -> int:
    """Statement id from a withdraw link; raises InvalidTokenError."""
    return read_id_token(
        WITHDRAW_STATEMENT, token, current_app.config["WITHDRAW_TOKEN_MAX_AGE"]
    )


def make_statement_form_token(campaign_id: int) -> str:
    """Token in a campaign's cacheable statement form, standing in for session CSRF."""
    return make_token(STATEMENT_FORM, campaign_id)


def read_statement_form_token(token: str) -> FormToken:
    """Campaign and time a statement form was made for; InvalidTokenError if stale."""
    return _read_form_token(
        STATEMENT_FORM, token, current_app.config["STATEMENT_FORM_MAX_AGE"]
    )


def make_unsubscribe_token(public_id: str) -> str:
    """Token for the "stop keeping me informed" link in campaign updates."""
    return make_token(UNSUBSCRIBE, public_id)


def read_unsubscribe_token(token: str) -> str:
    """Signature public id from an unsubscribe link; raises InvalidTokenError."""
    return read_public_id_token(
        UNSUBSCRIBE, token, current_app.config["WITHDRAW_TOKEN_MAX_AGE"]
    )


def make_signer_data_token(email_key: str) -> str:
    """Token for the page where a signer sees, downloads or erases their data."""
    return make_token(SIGNER_DATA, email_key)


def read_signer_data_token(token: str) -> str:
    """Canonical address a data link is for; raises InvalidTokenError."""
    payload = read_token(SIGNER_DATA, token, current_app.config["DATA_TOKEN_MAX_AGE"])
    if not isinstance(payload, str) or "@" not in payload:
        raise InvalidTokenError
    return payload
