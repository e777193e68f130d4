"""Forms for visitors and signers; they check shape, the services check the rules."""

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import ClassVar

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from campaigns import addresses, plaintext, tokens
from campaigns.countries import COUNTRY_CODES, country_choices
from campaigns.errors import InvalidTokenError
from campaigns.forms import Form
from campaigns.services.statements import STATEMENT_MAX_CHARS


def _valid_address(_form: Form, field: StringField) -> None:
    try:
        addresses.normalise(field.data or "")
    except addresses.InvalidAddressError as error:
        raise ValidationError(_l("Please enter a valid email address.")) from error


def _no_control_characters(_form: Form, field: StringField) -> None:
    if any(ord(char) < 32 and char not in "\n\r\t" for char in field.data or ""):
        raise ValidationError(_l("Please remove the control characters."))


def _country_options() -> list[tuple[str, str]]:
    return [("", _l("Choose your country")), *country_choices()]


def _email_field() -> StringField:
    return StringField(
        _l("Email"),
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("That email address is too long.")),
            _valid_address,
        ],
    )


class CampaignPageForm(Form):
    """A form on a campaign page, protected by a signed form token, not the session.

    The campaign page is cached and served alike to every visitor, so the token is tied
    to the campaign and expires, instead of being tied to a session cookie.
    """

    class Meta:
        csrf = False

    # Reads a token of this form's purpose (see `tokens`).
    read_form_token: ClassVar[Callable[[str], tokens.FormToken]]
    form_token = HiddenField()
    country: SelectField

    def __init__(self, campaign_id: int, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.campaign_id = campaign_id
        self.country.choices = _country_options  # built only if the form is shown

    def validate_country(self, field: SelectField) -> None:
        """Accept only ISO 3166-1 codes."""
        if field.data not in COUNTRY_CODES:
            raise ValidationError(_l("Please choose your country from the list."))

    @cached_property
    def _token(self) -> tokens.FormToken | None:
        try:
            return self.read_form_token(self.form_token.data or "")
        except InvalidTokenError:
            return None

    def form_token_is_valid(self) -> bool:
        """True if the hidden token was made for this campaign and has not expired."""
        return self._token is not None and self._token.campaign_id == self.campaign_id

    def form_issued_at(self) -> datetime | None:
        """When the page carrying this form was made, from its (valid) token."""
        return self._token.issued_at if self._token is not None else None


class SignForm(CampaignPageForm):
    """Sign a campaign."""

    read_form_token = staticmethod(tokens.read_sign_form_token)
    full_name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=200),
            _no_control_characters,
        ],
    )
    email = _email_field()
    country = SelectField(_l("Country"), validate_choice=False)
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[
            Length(
                max=500, message=_l("Please keep your comment under 500 characters.")
            ),
            _no_control_characters,
        ],
    )
    show_name = BooleanField(
        _l("Show my name (first name and initial) on the campaign page")
    )
    keep_informed = BooleanField(_l("Keep me informed about this campaign by email"))
    # A honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = StringField(_l("Leave this field empty"))


class ConfirmForm(Form):
    """A POST-only button behind an email link; the link's token is the proof."""

    class Meta:
        csrf = False


class StatementForm(CampaignPageForm):
    """Send a statement of support."""

    read_form_token = staticmethod(tokens.read_statement_form_token)
    max_chars = STATEMENT_MAX_CHARS
    author_name = StringField(
        _l("Your name"),
        filters=[plaintext.tidy_line],
        validators=[DataRequired(_l("Please enter your name.")), Length(max=200)],
    )
    role = StringField(
        _l("Role or position (optional)"),
        filters=[plaintext.tidy_line],
        validators=[Length(max=200)],
    )
    organisation = StringField(
        _l("Organisation (optional)"),
        filters=[plaintext.tidy_line],
        validators=[Length(max=200)],
    )
    on_behalf = BooleanField(_l("I write on behalf of this organisation"))
    country = SelectField(_l("Country"), validate_choice=False)
    body = TextAreaField(
        _l("Your statement"),
        filters=[plaintext.tidy_block],
        validators=[DataRequired(_l("Please write your statement."))],
    )
    email = _email_field()
    publish = BooleanField(
        _l("Publish my name and organisation with my statement on the campaign page")
    )

    def __init__(self, campaign_id: int, *args: object, **kwargs: object) -> None:
        # The prefix keeps field names and ids apart from the sign form on one page.
        super().__init__(campaign_id, *args, prefix="statement", **kwargs)

    @classmethod
    def blank(cls, campaign_id: int) -> "StatementForm":
        """An empty form carrying a fresh token for the campaign."""
        form = cls(campaign_id, formdata=None)
        form.form_token.data = tokens.make_statement_form_token(campaign_id)
        return form

    def validate_body(self, field: TextAreaField) -> None:
        """Keep statements short enough to read, counted in characters."""
        if len(field.data or "") > STATEMENT_MAX_CHARS:
            raise ValidationError(
                _(
                    "Please keep your statement to %(max)s characters or fewer "
                    "(it has %(count)s).",
                    max=format_decimal(STATEMENT_MAX_CHARS),
                    count=format_decimal(len(field.data)),
                )
            )


class DataLinkForm(Form):
    """Ask for a link to the page showing what we hold about an address."""

    email = _email_field()
