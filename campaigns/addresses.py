"""Email addresses: validated for sending, and keyed to spot one person twice."""

from email_validator import EmailNotValidError, validate_email

# Providers that ignore dots in the local part and deliver "name+tag" to "name".
_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_PLUS_TAG_DOMAINS = _DOTLESS_DOMAINS | frozenset(
    {
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "fastmail.com",
        "proton.me",
        "protonmail.com",
        "yahoo.com",
    }
)


class InvalidAddressError(ValueError):
    """The text is not a usable email address."""


def normalise(address: str) -> str:
    """Return the address as we send to it (domain lower-cased, IDNA-checked).

    Raises InvalidAddressError with a message fit to show the person who typed it.
    """
    try:
        valid = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidAddressError(str(error)) from error
    return valid.normalized


def canonical_key(address: str) -> str:
    """Return the key under which two spellings of one mailbox collide.

    Case is ignored everywhere; for providers known to do so, dots and "+tags" too.
    """
    local, _, domain = address.strip().lower().rpartition("@")
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in _PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"
