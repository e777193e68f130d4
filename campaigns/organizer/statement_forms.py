"""Forms organizers use to moderate statements of support; CSRF-protected."""

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from campaigns import plaintext
from campaigns.forms import Form
from campaigns.services.statements import STATEMENT_MAX_CHARS


class ModerateForm(Form):
    """An approve button: it carries only the CSRF token."""


class RejectForm(Form):
    """Reject a statement, with a reason that only the organizers will see."""

    reason = TextAreaField(
        _l("Reason (optional, only organizers see it)"),
        filters=[plaintext.tidy_block],
        validators=[Length(max=2000)],
    )


class EditStatementForm(Form):
    """Change a statement's text; the change is recorded with its editor."""

    body = TextAreaField(
        _l("Statement"),
        filters=[plaintext.tidy_block],
        validators=[DataRequired(_l("A statement cannot be empty."))],
    )

    def validate_body(self, field: TextAreaField) -> None:
        """Keep the same limit as the public form."""
        if len(field.data or "") > STATEMENT_MAX_CHARS:
            raise ValidationError(
                _(
                    "Please keep the statement to %(max)s characters or fewer.",
                    max=format_decimal(STATEMENT_MAX_CHARS),
                )
            )


class ForwardForm(Form):
    """The day a statement was forwarded to the target; empty means not yet."""

    forwarded_on = DateField(_l("Forwarded to the target on"), validators=[Optional()])
