"""Domain exceptions and the HTTP error pages."""

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class CampaignsError(Exception):
    """Base class of the errors our services raise."""


class CampaignNotOpenError(CampaignsError):
    """The campaign is a draft, closed or outside its dates: it takes no signatures."""


class StatementNotWaitingError(CampaignsError):
    """The statement is unconfirmed or withdrawn, so organizers cannot act on it."""


class InvalidTokenError(CampaignsError):
    """A token from an email link is tampered with, for another purpose, or unknown."""


class CampaignStateError(CampaignsError):
    """The campaign is not in a state that allows this (e.g. closing a draft)."""


class SlugError(CampaignsError):
    """The slug is taken, malformed, or may no longer change (the campaign is live)."""


class AccountError(CampaignsError):
    """An organizer account cannot be created or changed as asked."""


class FeedError(CampaignsError):
    """A news feed could not be read at all."""


class ExpiredTokenError(InvalidTokenError):
    """A token was genuine but is too old; `payload` still names what it was for."""

    def __init__(self, payload: object) -> None:
        super().__init__("token expired")
        self.payload = payload


def _error_titles() -> dict[int, str]:
    return {
        400: _("This request could not be understood"),
        403: _("You may not do that"),
        404: _("Page not found"),
        405: _("That method is not allowed here"),
        409: _("That cannot be done now"),
        413: _("That was too much data"),
        422: _("Please check what you entered"),
        429: _("Too many requests"),
        500: _("Something went wrong on our side"),
    }


def _explanations() -> dict[int, str]:
    """Plain words for errors whose default description is unhelpful or absent."""
    return {
        413: _(
            "What you sent is larger than we accept. Please shorten it and try again."
        ),
        429: _(
            "You have done this too many times in a short while. "
            "Please wait a few minutes and try again."
        ),
    }


def render_error(error: HTTPException) -> ResponseReturnValue:
    """Render any HTTP error as a page in the site's layout."""
    code = error.code or 500
    title = _error_titles().get(code, error.name)
    explanation = _explanations().get(code)
    return render_template(
        "errors/error.html",
        code=code,
        title=title,
        error=error,
        explanation=explanation,
    ), code


def register_handlers(app: Flask) -> None:
    """Show our own pages for HTTP errors."""
    app.register_error_handler(HTTPException, render_error)
