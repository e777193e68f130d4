"""Forms of the organizer pages; they check shape, the services check the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from campaigns.countries import COUNTRY_CODES, country_choices
from campaigns.forms import Form
from campaigns.services.publishing import SLUG_MAX_LENGTH, SLUG_PATTERN

_EMAIL = [
    DataRequired(_l("Please enter an email address.")),
    Length(max=254, message=_l("That email address is too long.")),
]


class ConfirmForm(Form):
    """A POST-only button (publish, delete, unlink, log out); carries the CSRF token."""


class LoginForm(Form):
    """Log in with email and password."""

    email = EmailField(_l("Email"), validators=_EMAIL)
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password."))]
    )


class LoginLinkForm(Form):
    """Ask for a login link by email."""

    email = EmailField(_l("Email"), validators=_EMAIL)


class NewPasswordForm(Form):
    """Choose a password (twice)."""

    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Please choose a password.")),
            Length(
                min=10, max=200, message=_l("Use at least 10 characters, at most 200.")
            ),
        ],
    )
    repeat = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", _l("The two passwords differ."))],
    )


class CampaignForm(Form):
    """Create or edit a campaign."""

    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Please give the campaign a title.")),
            Length(max=200),
        ],
    )
    slug = StringField(
        _l("Address (slug)"),
        validators=[
            Optional(),
            Length(max=SLUG_MAX_LENGTH),
            Regexp(
                SLUG_PATTERN,
                message=_l("Use lower-case letters, digits and single hyphens."),
            ),
        ],
    )
    summary = TextAreaField(_l("Summary"), validators=[Length(max=500)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=50_000)])
    target = StringField(_l("Addressed to"), validators=[Length(max=200)])
    goal = IntegerField(
        _l("Goal (signatures)"),
        default=1000,
        validators=[
            InputRequired(_l("Please set a goal.")),
            NumberRange(min=1, max=1_000_000_000, message=_l("Set a goal above zero.")),
        ],
    )
    opens_at = DateTimeLocalField(
        _l("Opens (UTC, optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    closes_at = DateTimeLocalField(
        _l("Closes (UTC, optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )

    def validate_closes_at(self, field: DateTimeLocalField) -> None:
        """A campaign cannot close before it opens."""
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The closing time must come after the opening."))


class CloseForm(Form):
    """Close a campaign with its outcome."""

    outcome = TextAreaField(
        _l("Outcome"),
        validators=[
            DataRequired(_l("Please say how the campaign ended.")),
            Length(max=2000),
        ],
    )


class NewsForm(Form):
    """Write or edit a news item."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Please give the item a title.")), Length(max=300)],
    )
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    source = StringField(_l("Source"), validators=[Length(max=200)])
    url = URLField(
        _l("Link (optional)"),
        validators=[
            Optional(),
            Length(max=2000),
            URL(message=_l("Please enter a full web address.")),
        ],
    )
    body = TextAreaField(
        _l("Text (Markdown, optional)"), validators=[Length(max=50_000)]
    )
    published_at = DateTimeLocalField(
        _l("Published (UTC)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )


class LinkNewsForm(Form):
    """Add a news item to a campaign's timeline."""

    news_item_id = SelectField(
        _l("News item"),
        coerce=int,
        validators=[InputRequired(_l("Please choose a news item."))],
    )


class FeedImportForm(Form):
    """Import news items from an RSS or Atom feed, by address or file."""

    url = URLField(
        _l("Feed address"),
        validators=[
            Optional(),
            Length(max=2000),
            URL(message=_l("Please enter a full web address.")),
        ],
    )
    feed_file = FileField(_l("…or a feed file"))
    campaign = SelectField(_l("Link the new items to"), coerce=str, default="")

    def validate(self, extra_validators: object = None) -> bool:
        """Check the fields, then that exactly one of address and file is given."""
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        if bool(self.url.data) == bool(self.feed_file.data):
            self.url.errors = [
                *self.url.errors,
                _l("Give either a feed address or a file."),
            ]
            return False
        return valid


class InviteForm(Form):
    """Invite a new organizer."""

    email = EmailField(_l("Email"), validators=_EMAIL)
    name = StringField(_l("Name"), validators=[Length(max=200)])


class TeamForm(Form):
    """Add a co-organizer to a campaign."""

    email = EmailField(_l("Organizer's email"), validators=_EMAIL)


class ExportForm(Form):
    """Filters of a signer export (query string, so no CSRF token)."""

    class Meta:
        csrf = False

    keep_informed_only = BooleanField(_l("Only signers who agreed to be kept informed"))
    signed_from = DateField(_l("Signed from"), validators=[Optional()])
    signed_until = DateField(_l("Signed until"), validators=[Optional()])
    country = SelectField(_l("Country"), validate_choice=False, default="")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("All countries")), *country_choices()]

    def validate_country(self, field: SelectField) -> None:
        """Empty, or an ISO 3166-1 code."""
        if field.data and field.data not in COUNTRY_CODES:
            raise ValidationError(_l("Please choose a country from the list."))

    def validate_signed_until(self, field: DateField) -> None:
        """The range must not end before it starts."""
        if field.data and self.signed_from.data and field.data < self.signed_from.data:
            raise ValidationError(_l("The end of the range is before its start."))
