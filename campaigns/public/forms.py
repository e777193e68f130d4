"""Forms for visitors and signers; they check shape, the services check the rules."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from campaigns import addresses, tokens
from campaigns.countries import COUNTRY_CODES, country_choices
from campaigns.errors import InvalidTokenError


def _valid_address(_form: FlaskForm, field: StringField) -> None:
    try:
        addresses.normalise(field.data or "")
    except addresses.InvalidAddressError as error:
        raise ValidationError(_l("Please enter a valid email address.")) from error


def _no_control_characters(_form: FlaskForm, field: StringField) -> None:
    if any(ord(char) < 32 and char not in "\n\r\t" for char in field.data or ""):
        raise ValidationError(_l("Please remove the control characters."))


class SignForm(FlaskForm):
    """Sign a campaign. Protected by a signed form token, not the session.

    The campaign page is cached and served alike to every visitor, so the token is tied
    to the campaign and expires, instead of being tied to a session cookie.
    """

    class Meta:
        csrf = False

    form_token = HiddenField()
    full_name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=200),
            _no_control_characters,
        ],
    )
    email = StringField(
        _l("Email"),
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("That email address is too long.")),
            _valid_address,
        ],
    )
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

    def __init__(self, campaign_id: int, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.campaign_id = campaign_id
        self.country.choices = [("", _l("Choose your country")), *country_choices()]

    def validate_country(self, field: SelectField) -> None:
        """Accept only ISO 3166-1 codes."""
        if field.data not in COUNTRY_CODES:
            raise ValidationError(_l("Please choose your country from the list."))

    def form_token_is_valid(self) -> bool:
        """True if the hidden token was made for this campaign and has not expired."""
        try:
            return (
                tokens.read_sign_form_token(self.form_token.data or "")
                == self.campaign_id
            )
        except InvalidTokenError:
            return False

    def form_issued_at(self) -> datetime | None:
        """When the page carrying this form was made, from its signed token."""
        try:
            return tokens.sign_form_issued_at(self.form_token.data or "")
        except InvalidTokenError:
            return None


class ConfirmForm(FlaskForm):
    """A POST-only button behind an email link; the link's token is the proof."""

    class Meta:
        csrf = False


class DataLinkForm(FlaskForm):
    """Ask for a link to the page showing what we hold about an address."""

    email = StringField(
        _l("Email"),
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("That email address is too long.")),
            _valid_address,
        ],
    )
